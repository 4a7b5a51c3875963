package dev.kapi.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to reach one API server as one identity: where it is, how to trust it, who we are, which
 * namespace is ours. Built once (by {@link ConfigLoader} or the builder) and passed down; immutable.
 * {@link #toString()} names sources, never secrets.
 *
 * @param server         the API server's base URL; a path (kubeconfig {@code server: https://h/prefix}) is kept
 * @param tls            trust, server name and client certificate
 * @param credentials    the Authorization header per request
 * @param namespace      the default namespace (Pod's namespace in cluster)
 * @param userAgent      sent as {@code User-Agent}
 * @param connectTimeout TCP+TLS connect timeout
 * @param requestTimeout time to response headers for ordinary requests (never applied to watch bodies)
 * @param proxy          egress proxy ({@code proxy-url}: http, https or socks5), if any
 * @param source         where this configuration came from, for people ("in-cluster", "kubeconfig ~/.kube/config context x")
 */
public record ClusterConfig(URI server, TlsSettings tls, Credentials credentials, String namespace, String userAgent,
    Duration connectTimeout, Duration requestTimeout, Optional<URI> proxy, String source) {

  public static final String DEFAULT_USER_AGENT = "kapi/0.1";

  public ClusterConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(credentials, "credentials");
    namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
    userAgent = userAgent == null ? DEFAULT_USER_AGENT : userAgent;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
    proxy = proxy == null ? Optional.empty() : proxy;
    source = source == null ? "explicit" : source;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().server(server).tls(tls).credentials(credentials).namespace(namespace).userAgent(userAgent)
        .connectTimeout(connectTimeout).requestTimeout(requestTimeout).proxy(proxy.orElse(null)).source(source);
  }

  /** The server's authority as it belongs in a {@code Host} header (IPv6 literals bracketed). */
  public String hostHeader() {
    return server.getPort() == -1 ? server.getHost() : server.getHost() + ":" + server.getPort();
  }

  /** The server's port, with the scheme's default filled in. */
  public int port() {
    return server.getPort() != -1 ? server.getPort() : "http".equals(server.getScheme()) ? 80 : 443;
  }

  /** The path prefix of {@code server} without a trailing slash ("" for none). */
  public String pathPrefix() {
    String p = server.getRawPath();
    if (p == null) {
      return "";
    }
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** The proxy URL's {@code user:password}, percent-decoded: {user, password}; empty without either. */
  public Optional<String[]> proxyCredentials() {
    return proxy.map(URI::getRawUserInfo).map(info -> {
      String[] up = info.split(":", 2);
      return new String[] {java.net.URLDecoder.decode(up[0], java.nio.charset.StandardCharsets.UTF_8),
          up.length > 1 ? java.net.URLDecoder.decode(up[1], java.nio.charset.StandardCharsets.UTF_8) : ""};
    });
  }

  /**
   * {@code Proxy-Authorization: Basic ...} for a proxy URL that carries {@code user:password}, sent up front as
   * client-go sends it; empty without a proxy or without credentials.
   */
  public Optional<String> proxyAuthorization() {
    return proxyCredentials().map(up -> "Basic " + java.util.Base64.getEncoder()
        .encodeToString((up[0] + ":" + up[1]).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "ClusterConfig{server=" + server + ", tls=" + tls.describe() + ", credentials=" + credentials.describe()
        + ", namespace=" + namespace + ", userAgent=" + userAgent + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout + proxy.map(p -> ", proxy=" + redact(p)).orElse("")
        + ", source=" + source + "}";
  }

  private static String redact(URI proxy) {
    return proxy.getUserInfo() == null ? proxy.toString() : proxy.toString().replace(proxy.getRawUserInfo(), "REDACTED");
  }

  /** A builder for explicit configuration (tests, embedding). */
  public static final class Builder {
    private URI server;
    private TlsSettings tls;
    private Credentials credentials = Credentials.none();
    private String namespace;
    private String userAgent;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private URI proxy;
    private String source;

    public Builder server(URI server) {
      this.server = server;
      return this;
    }

    public Builder server(String server) {
      return server(URI.create(server));
    }

    public Builder tls(TlsSettings tls) {
      this.tls = tls;
      return this;
    }

    public Builder credentials(Credentials credentials) {
      this.credentials = credentials;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder proxy(URI proxy) {
      this.proxy = proxy;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public ClusterConfig build() {
      if (server == null) {
        throw new ConfigException(source, "server", "is not set");
      }
      if (!"https".equals(server.getScheme()) && !"http".equals(server.getScheme())) {
        throw new ConfigException(source, "server", "must be an http(s) URL, got " + server);
      }
      return new ClusterConfig(server, tls == null ? TlsSettings.builder().build() : tls, credentials, namespace, userAgent,
          connectTimeout, requestTimeout, Optional.ofNullable(proxy), source);
    }
  }
}
