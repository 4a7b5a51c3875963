package dev.kapi.proxy.internal;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import dev.kapi.config.ClusterConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * The egress proxy between kapi proxy and the API server ({@code proxy-url}, or {@code HTTPS_PROXY} by way of
 * kapi-config): a Netty handler per connection that tunnels to the API server with HTTP CONNECT or SOCKS5, as
 * client-go's dialer does. TLS to the API server then runs inside the tunnel, so the proxy sees no request.
 */
final class EgressProxy {

  private final String scheme;
  private final String host;
  private final int port;
  private final String username; // null without credentials
  private final String password;
  private final long connectTimeoutMillis;

  private EgressProxy(URI uri, Optional<String[]> credentials, long connectTimeoutMillis) {
    this.scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    this.host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    this.port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("socks5") ? 1080 : 80;
    this.username = credentials.map(up -> up[0]).orElse(null);
    this.password = credentials.map(up -> up[1]).orElse(null);
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /**
   * The cluster's proxy, or empty for none.
   *
   * @throws IllegalArgumentException for an https:// proxy (TLS to the proxy itself is not supported)
   */
  static Optional<EgressProxy> of(ClusterConfig cluster, long connectTimeoutMillis) {
    Optional<URI> uri = cluster.proxy();
    if (uri.isEmpty()) {
      return Optional.empty();
    }
    String scheme = String.valueOf(uri.get().getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("socks5")) {
      throw new IllegalArgumentException("kapi proxy reaches the API server through http:// and socks5:// proxies; "
          + scheme + ":// (TLS to the proxy) is not supported");
    }
    return Optional.of(new EgressProxy(uri.get(), cluster.proxyCredentials(), connectTimeoutMillis));
  }

  /**
   * A new handler for one connection. The proxy's name is resolved here, per connection (the JDK caches lookups),
   * and the API server's name is left for the proxy to resolve, as with CONNECT it must be.
   */
  ProxyHandler newHandler() {
    InetSocketAddress address = new InetSocketAddress(host, port);
    ProxyHandler h = scheme.equals("socks5")
        ? username == null ? new Socks5ProxyHandler(address) : new Socks5ProxyHandler(address, username, password)
        : username == null ? new HttpProxyHandler(address) : new HttpProxyHandler(address, username, password);
    h.setConnectTimeoutMillis(connectTimeoutMillis);
    return h;
  }
}
