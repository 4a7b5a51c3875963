package dev.kapi.client.internal;

import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeException;
import dev.kapi.client.KubeRequest;
import dev.kapi.client.KubeResponse;
import dev.kapi.client.KubeStatus;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * The one place requests go out, in this order: URL from the server (prefix kept) and path; User-Agent,
 * {@code Accept-Encoding: gzip}, {@code Authorization} from the credentials (asked per request); the header
 * timeout; send; on 401 one retry when the credentials could refresh; on a server-directed or connect failure
 * the retry policy; a gzip body decoded; an error answer turned into a typed exception. Thread-safe.
 */
public final class HttpTransport implements AutoCloseable {

  private static final int MAX_ERROR_BODY = 1 << 20;

  private final ClusterConfig config;
  private final Json json;
  private final RetryPolicy retry;
  private final RequestLog log;
  private final ExecutorService executor;
  private final HttpClient http;
  private final String base;
  private final Optional<String> proxyAuthorization;
  private final boolean compression;
  private volatile boolean closed;

  public HttpTransport(ClusterConfig config, Json json, HttpClient.Version version, RetryPolicy retry, RequestLog log,
      boolean compression) {
    this.config = config;
    this.compression = compression;
    this.json = json;
    this.retry = retry;
    this.log = log;
    this.executor = Executors.newCachedThreadPool(daemonThreads());
    this.http = httpClient(config, version, executor);
    URI s = config.server();
    this.base = s.getScheme() + "://" + s.getRawAuthority() + config.pathPrefix();
    // up front, not through a java.net.Authenticator: with one set, java.net.http drops every caller-set
    // Authorization, so the bearer token vanished and the API server saw an anonymous user. Through a CONNECT tunnel
    // the JDK sends Basic only if jdk.http.auth.tunneling.disabledSchemes allows it (the kapi CLI does)
    this.proxyAuthorization = config.proxyAuthorization();
  }

  private static HttpClient httpClient(ClusterConfig config, HttpClient.Version version, ExecutorService executor) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(version)
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor);
    if ("https".equals(config.server().getScheme())) {
      b.sslContext(config.tls().sslContext());
    }
    config.proxy().ifPresent(p -> proxy(b, p));
    return b.build();
  }

  /**
   * {@code java.net.http} speaks only to HTTP proxies (plain, with CONNECT for https targets); it silently goes
   * direct for a SOCKS {@link java.net.Proxy}, so a socks5 {@code proxy-url} is refused here instead of ignored.
   */
  static void proxy(HttpClient.Builder b, URI p) {
    String scheme = p.getScheme() == null ? "" : p.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http")) {
      throw new KubeException("proxy-url " + RequestLog.redact(p) + ": only http:// proxies are supported by java.net.http"
          + " (socks5 and https proxies are not); use an HTTP proxy or run kapi proxy as an ambassador");
    }
    int port = p.getPort() == -1 ? 80 : p.getPort();
    b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(p.getHost(), port)));
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "kapi-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public ClusterConfig config() {
    return config;
  }

  public Json json() {
    return json;
  }

  public HttpClient.Version version() {
    return http.version();
  }

  /** Sends and returns a 2xx response (body unread), or throws the typed error. */
  public KubeResponse send(KubeRequest request) {
    Outcome o = attempt(request);
    if (!o.response().successful()) {
      throw error(o.response(), o.previous());
    }
    return o.response();
  }

  /** Sends (with the 401 and retry handling) and returns the final response, whatever its code. */
  public KubeResponse exchange(KubeRequest request) {
    return attempt(request).response();
  }

  /** The final response and the error of the attempt before it, if it was retried. */
  private record Outcome(KubeResponse response, KubeException previous) {
  }

  private Outcome attempt(KubeRequest request) {
    if (closed) {
      throw new KubeException("the client is closed");
    }
    URI uri = URI.create(base + request.pathAndQuery());
    Credentials credentials = config.credentials();
    boolean refreshed = false;
    int retries = 0;
    KubeException previous = null;
    while (true) {
      Optional<String> auth = credentials.authorization();
      HttpRequest httpRequest = build(request, uri, auth);
      log.request(request.method(), uri, httpRequest.headers().map());
      long start = System.nanoTime();
      HttpResponse<InputStream> raw;
      try {
        raw = http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        log.failure(request.method(), uri, e.toString(), millisSince(start));
        KubeException failure = transportError(request, e);
        keep(failure, previous);
        Optional<Duration> wait = retry.afterFailure(request, e, retries);
        if (wait.isEmpty() || closed) {
          throw failure;
        }
        previous = failure;
        retries++;
        sleep(wait.get());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KubeException("interrupted while sending " + request, e);
      }
      log.response(request.method(), uri, raw.statusCode(), millisSince(start), raw.headers().map());
      KubeResponse response = new KubeResponse(request, raw.statusCode(), raw.headers(), decoded(raw), json);
      int code = raw.statusCode();
      if (code == 401 && !refreshed && credentials.refreshAfterUnauthorized(auth.orElse(null))) {
        // the credential changed under us (rotated token file, expired exec credential): one more try
        response.close();
        refreshed = true;
        continue;
      }
      if (code == 429 || code >= 500) {
        Optional<Duration> retryAfter = Errors.retryAfter(raw.headers().firstValue("Retry-After"));
        Optional<Duration> wait = retry.afterResponse(code, retryAfter, retries);
        if (wait.isPresent() && !closed) {
          KubeException failure = error(response, previous);
          previous = failure;
          retries++;
          sleep(wait.get());
          continue;
        }
      }
      return new Outcome(response, previous);
    }
  }

  /** Reads the (bounded) error body and makes the typed exception. */
  public KubeApiException error(KubeResponse r, KubeException previous) {
    byte[] body;
    try (r) {
      body = r.body().readNBytes(MAX_ERROR_BODY);
      r.body().skip(MAX_ERROR_BODY); // to the end when it is not huge, so closing does not cancel a finished exchange
      r.body().read();
    } catch (IOException e) {
      body = new byte[0];
    }
    KubeStatus status = StatusDecoder.decode(r.code(), body, json.factory());
    KubeApiException e = Errors.of(status, Errors.retryAfter(r.header("Retry-After")));
    keep(e, previous);
    return e;
  }

  private static void keep(KubeException e, KubeException previous) {
    if (previous != null && previous != e) {
      e.addSuppressed(previous);
    }
  }

  private HttpRequest build(KubeRequest request, URI uri, Optional<String> auth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    byte[] body = request.body();
    b.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    Duration timeout = request.timeout().orElse(config.requestTimeout());
    if (!timeout.isZero()) {
      // java.net.http stops this timer once the response headers arrive: it never cuts a streamed body
      b.timeout(timeout);
    }
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      for (String v : h.getValue()) {
        b.header(h.getKey(), v);
      }
    }
    if (request.header("Accept").isEmpty()) {
      b.header("Accept", "application/json");
    }
    b.header("User-Agent", config.userAgent());
    if (compression) {
      b.header("Accept-Encoding", "gzip");
    }
    auth.ifPresent(a -> b.header("Authorization", a));
    proxyAuthorization.ifPresent(a -> b.header("Proxy-Authorization", a));
    return b.build();
  }

  private static InputStream decoded(HttpResponse<InputStream> raw) {
    InputStream in = raw.body();
    if (raw.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false)) {
      try {
        return new GZIPInputStream(in, 16 * 1024);
      } catch (IOException e) {
        throw new KubeException("the server sent a gzip body that is not gzip: " + e.getMessage(), e);
      }
    }
    return in;
  }

  private KubeException transportError(KubeRequest request, IOException e) {
    String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      // the JDK says so for its request timer too when that fires before the connection (TLS included) is up:
      // whichever limit is shorter is the one that ran out
      Duration requestTimeout = request.timeout().orElse(config.requestTimeout());
      Duration limit = !requestTimeout.isZero() && requestTimeout.compareTo(config.connectTimeout()) < 0
          ? requestTimeout : config.connectTimeout();
      what = "connect timed out after " + limit.toMillis() + " ms";
    } else if (e instanceof java.net.http.HttpTimeoutException) {
      what = "no response headers within " + request.timeout().orElse(config.requestTimeout()).toMillis() + " ms";
    } else if (causedBy(e, java.net.ConnectException.class)) {
      what = "connection refused";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
        what = "TLS: " + t.getMessage();
      }
    }
    return new KubeException(request.method() + " " + config.server() + request.path() + ": " + what, e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // a server-requested or backoff wait between attempts
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeException("interrupted while waiting to retry", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    // Java 17's HttpClient has no close(); its threads are ours, so stopping them releases it
    executor.shutdownNow();
  }
}
