package dev.kapi.proxy.admin;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.CredentialsUnavailableException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A small side channel to the API server for the proxy's own questions (the readiness probe, discovery-cache
 * fetches), separate from the Netty data path so that it works whatever state the pool is in. Same server,
 * trust, credentials and user agent as the proxy; the {@link dev.kapi.config.TlsSettings} trust manager
 * checks the server's name itself. A 401 with the proxy's own token re-reads the token once and retries,
 * as the data path does.
 */
public final class JdkUpstreamClient {

  private final ClusterConfig config;
  private final Optional<String> unsupportedProxy;
  private HttpClient http; // built on first use: it starts a selector thread, and many proxies never need it

  public JdkUpstreamClient(ClusterConfig config) {
    this.config = config;
    this.unsupportedProxy = config.proxy().filter(p -> !"http".equals(p.getScheme()))
        .map(p -> "cannot reach the API server through a " + p.getScheme() + " proxy from here");
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = build(config);
    }
    return http;
  }

  private static HttpClient build(ClusterConfig config) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    if ("https".equals(config.server().getScheme())) {
      b.sslContext(config.tls().sslContext());
    }
    config.proxy().filter(p -> "http".equals(p.getScheme())).ifPresent(p ->
        b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(p.getHost(), p.getPort() == -1 ? 80 : p.getPort()))));
    return b.build();
  }

  /** The API server URL for {@code path}: the full, encoded path on the server (any path prefix included). */
  public URI uri(String path) {
    return URI.create(config.server().getScheme() + "://" + config.hostHeader() + path);
  }

  /**
   * GET {@code path} with {@code headers}; the proxy's credential is added unless {@code headers} carries an
   * {@code Authorization} of its own (the client's wins, as in the data path).
   */
  public CompletableFuture<HttpResponse<byte[]>> get(String path, Map<String, String> headers, Duration timeout) {
    if (unsupportedProxy.isPresent()) {
      return CompletableFuture.failedFuture(new IllegalStateException(unsupportedProxy.get()));
    }
    boolean own = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"));
    String credential;
    try {
      credential = own ? null : config.credentials().authorizationWithoutWaiting().orElse(null); // called on an event loop
    } catch (CredentialsUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
    return send(path, headers, credential, timeout).thenCompose(r -> {
      if (r.statusCode() == 401 && credential != null && config.credentials().refreshAfterUnauthorized(credential)) {
        String fresh = config.credentials().authorization().orElse(null);
        return send(path, headers, fresh, timeout);
      }
      return CompletableFuture.completedFuture(r);
    });
  }

  private CompletableFuture<HttpResponse<byte[]>> send(String path, Map<String, String> headers, String credential,
      Duration timeout) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri(path)).GET().header("User-Agent", config.userAgent());
    if (!timeout.isZero()) { // zero is --request-timeout=0, "wait forever"; java.net.http refuses a zero timeout
      rb.timeout(timeout);
    }
    headers.forEach(rb::header);
    if (credential != null) {
      rb.header("Authorization", credential);
    }
    config.proxyAuthorization().ifPresent(a -> rb.header("Proxy-Authorization", a));
    return http().sendAsync(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
