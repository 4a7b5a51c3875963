package dev.kapi.proxy.discovery;

import dev.kapi.proxy.admin.JdkUpstreamClient;
import dev.kapi.proxy.observe.UpstreamFailure;
import dev.kapi.proxy.observe.UpstreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Fetches discovery documents over the proxy's side channel, reporting each request to the upstream observer. */
public final class JdkDiscoveryFetcher implements DiscoveryCache.Fetcher {

  /** Framing and connection headers: the proxy frames its own answer. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "te", "trailer", "upgrade", "content-length");

  private final JdkUpstreamClient client;
  private final Duration timeout;
  private final UpstreamObserver upstream;

  public JdkDiscoveryFetcher(JdkUpstreamClient client, Duration timeout, UpstreamObserver upstream) {
    this.client = client;
    this.timeout = timeout;
    this.upstream = upstream;
  }

  @Override
  public CompletableFuture<DiscoveryCache.Response> fetch(String path, Map<String, String> headers) {
    upstream.requestSent();
    return client.get(path, headers, timeout).handle((r, err) -> {
      if (err != null) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        upstream.failed(UpstreamFailure.classify(t), t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        throw new CompletionException(t);
      }
      upstream.responseReceived(r.statusCode());
      List<Map.Entry<String, String>> h = new ArrayList<>();
      r.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
          values.forEach(v -> h.add(Map.entry(name, v)));
        }
      });
      return new DiscoveryCache.Response(r.statusCode(), List.copyOf(h), r.body());
    });
  }
}
