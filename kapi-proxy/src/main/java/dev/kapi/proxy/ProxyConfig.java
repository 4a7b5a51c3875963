package dev.kapi.proxy;

import dev.kapi.config.ClusterConfig;
import dev.kapi.proxy.policy.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code kapi proxy} does, decided once at start (by the CLI or an embedding program) and passed down
 * unchanged: where to listen, which requests to let through, how to reach the API server.
 *
 * @param cluster               the API server, its trust and the credentials the proxy adds
 * @param listen                TCP address+port or unix socket
 * @param filter                kubectl's request filter; empty when {@code --disable-filter}
 * @param apiPrefix             {@code --api-prefix}, always ending in "/"; stripped from the path unless it starts
 *                              with {@code /api} (as kubectl does)
 * @param www                   {@code --www}: a directory of static files, if any
 * @param wwwPrefix             {@code --www-prefix}, always ending in "/"
 * @param keepAlive             {@code --keepalive}: TCP keep-alive on connections to the API server. Positive: probe
 *                              after that much idle time and then at that interval; zero: the default period
 *                              ({@link #DEFAULT_KEEPALIVE}, what client-go's dialer uses); negative: no keep-alive
 * @param appendServerPath      prepend the server URL's path (kubeconfig {@code server: https://h/prefix})
 * @param readOnly              allow only GET, HEAD and OPTIONS (watch included; upgrades only for watch)
 * @param allowImpersonation    pass {@code Impersonate-*}, {@code X-Remote-*} and WebSocket bearer subprotocols
 * @param responseHeaderTimeout longest wait for the response head of an ordinary (not watch, not follow, not
 *                              upgrade) request; the proxy answers 504 after it. A request's own {@code timeout}
 *                              query parameter extends it. Zero: no limit ({@code --request-timeout=0})
 * @param eventLoopThreads      I/O threads; 0 means one per two available processors, at least one
 * @param maxIdleUpstreamPerThread keep-alive connections to the API server kept idle per I/O thread
 * @param policy                {@code --policy}: Role-shaped rules every request must satisfy before it goes upstream
 * @param denyExec              {@code --deny-exec}: refuse exec, attach, port-forward, ephemeral containers and the
 *                              proxy subresources (the CLI turns it on with a policy unless told otherwise)
 * @param limits                the hard limits ({@code --max-header-bytes} …), see {@link Limits}
 * @param upstreamHttp2         which requests may be multiplexed over HTTP/2 to the API server
 */
public record ProxyConfig(ClusterConfig cluster, Listen listen, Optional<FilterRules> filter, String apiPrefix,
    Optional<Path> www, String wwwPrefix, Duration keepAlive, boolean appendServerPath, boolean readOnly,
    boolean allowImpersonation, Duration responseHeaderTimeout, int eventLoopThreads, int maxIdleUpstreamPerThread,
    Optional<Policy> policy, boolean denyExec, Limits limits, UpstreamHttp2 upstreamHttp2) {

  public static final int DEFAULT_PORT = 8001;
  public static final String DEFAULT_ADDRESS = "127.0.0.1";
  public static final String DEFAULT_API_PREFIX = "/";
  public static final String DEFAULT_WWW_PREFIX = "/static/";
  /** Keep-alive period used for {@code --keepalive=0}: client-go's dialer default. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
  /** Longer than the API server's own 60 s request timeout, so its 504 Status arrives first when it is alive. */
  public static final Duration DEFAULT_RESPONSE_HEADER_TIMEOUT = Duration.ofSeconds(70);
  public static final UpstreamHttp2 DEFAULT_UPSTREAM_HTTP2 = UpstreamHttp2.LONG_RUNNING;

  public ProxyConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(filter, "filter");
    apiPrefix = withSlashes(apiPrefix == null ? DEFAULT_API_PREFIX : apiPrefix);
    Objects.requireNonNull(www, "www");
    wwwPrefix = withSlashes(wwwPrefix == null ? DEFAULT_WWW_PREFIX : wwwPrefix);
    keepAlive = keepAlive == null ? Duration.ZERO : keepAlive;
    responseHeaderTimeout = responseHeaderTimeout == null ? DEFAULT_RESPONSE_HEADER_TIMEOUT : responseHeaderTimeout;
    if (responseHeaderTimeout.isNegative()) {
      throw new IllegalArgumentException("the response header timeout must not be negative, got "
          + responseHeaderTimeout);
    }
    if (eventLoopThreads < 0) {
      throw new IllegalArgumentException("eventLoopThreads must be >= 0");
    }
    Objects.requireNonNull(policy, "policy");
    limits = limits == null ? Limits.DEFAULTS : limits;
    upstreamHttp2 = upstreamHttp2 == null ? DEFAULT_UPSTREAM_HTTP2 : upstreamHttp2;
    if (maxIdleUpstreamPerThread < 0) {
      throw new IllegalArgumentException("maxIdleUpstreamPerThread must be >= 0");
    }
  }

  public static Builder builder(ClusterConfig cluster) {
    return new Builder(cluster);
  }

  /** The keep-alive period to apply, or empty for none (see {@link #keepAlive()}). */
  public Optional<Duration> effectiveKeepAlive() {
    if (keepAlive.isNegative()) {
      return Optional.empty();
    }
    return Optional.of(keepAlive.isZero() ? DEFAULT_KEEPALIVE : keepAlive);
  }

  /** kubectl adds a trailing "/" to both prefixes; a leading one is needed to match any path at all. */
  static String withSlashes(String prefix) {
    String p = prefix.startsWith("/") ? prefix : "/" + prefix;
    return p.endsWith("/") ? p : p + "/";
  }

  /** Builder with kubectl proxy's defaults. */
  public static final class Builder {
    private final ClusterConfig cluster;
    private Listen listen = new Listen.Tcp(DEFAULT_ADDRESS, DEFAULT_PORT);
    private Optional<FilterRules> filter = Optional.of(FilterRules.kubectlDefaults());
    private String apiPrefix = DEFAULT_API_PREFIX;
    private Path www;
    private String wwwPrefix = DEFAULT_WWW_PREFIX;
    private Duration keepAlive = Duration.ZERO;
    private boolean appendServerPath;
    private boolean readOnly;
    private boolean allowImpersonation;
    private Duration responseHeaderTimeout = DEFAULT_RESPONSE_HEADER_TIMEOUT;
    private int eventLoopThreads;
    private int maxIdleUpstreamPerThread = 64;
    private Policy policy;
    private Boolean denyExec; // null: on exactly when there is a policy
    private Limits limits = Limits.DEFAULTS;
    private UpstreamHttp2 upstreamHttp2 = DEFAULT_UPSTREAM_HTTP2;

    private Builder(ClusterConfig cluster) {
      this.cluster = cluster;
    }

    public Builder listen(Listen v) {
      listen = v;
      return this;
    }

    public Builder port(int port) {
      listen = new Listen.Tcp(listen instanceof Listen.Tcp t ? t.address() : DEFAULT_ADDRESS, port);
      return this;
    }

    public Builder filter(FilterRules v) {
      filter = Optional.of(v);
      return this;
    }

    /** {@code --disable-filter}. */
    public Builder disableFilter() {
      filter = Optional.empty();
      return this;
    }

    public Builder apiPrefix(String v) {
      apiPrefix = v;
      return this;
    }

    public Builder www(Path dir) {
      www = dir;
      return this;
    }

    public Builder wwwPrefix(String v) {
      wwwPrefix = v;
      return this;
    }

    public Builder keepAlive(Duration v) {
      keepAlive = v;
      return this;
    }

    public Builder appendServerPath(boolean v) {
      appendServerPath = v;
      return this;
    }

    public Builder readOnly(boolean v) {
      readOnly = v;
      return this;
    }

    public Builder allowImpersonation(boolean v) {
      allowImpersonation = v;
      return this;
    }

    public Builder responseHeaderTimeout(Duration v) {
      responseHeaderTimeout = v;
      return this;
    }

    public Builder eventLoopThreads(int v) {
      eventLoopThreads = v;
      return this;
    }

    /** {@code --policy}; it turns {@link #denyExec} on unless that is set to false. */
    public Builder policy(Policy v) {
      policy = v;
      return this;
    }

    public Builder denyExec(boolean v) {
      denyExec = v;
      return this;
    }

    public Builder limits(Limits v) {
      limits = v;
      return this;
    }

    public Builder upstreamHttp2(UpstreamHttp2 v) {
      upstreamHttp2 = v;
      return this;
    }

    public Builder maxIdleUpstreamPerThread(int v) {
      maxIdleUpstreamPerThread = v;
      return this;
    }

    public ProxyConfig build() {
      return new ProxyConfig(cluster, listen, filter, apiPrefix, Optional.ofNullable(www), wwwPrefix, keepAlive,
          appendServerPath, readOnly, allowImpersonation, responseHeaderTimeout, eventLoopThreads,
          maxIdleUpstreamPerThread, Optional.ofNullable(policy), denyExec != null ? denyExec : policy != null, limits,
          upstreamHttp2);
    }
  }
}
