package dev.kapi.proxy.internal;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.proxy.ProxyConfig;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.Optional;

/**
 * What every connection shares, built once when the server starts: the configuration and the pieces made from
 * it. Immutable apart from the per-loop pools, each of which is only touched from its own loop.
 */
final class ProxyContext {

  final ProxyConfig config;
  final ClusterConfig cluster;
  final Credentials credentials;
  final String serverDescription;
  final String upstreamPathPrefix;
  final Route.Mux mux;
  final Optional<RequestFilter> filter;
  final HeaderRewriter headers;
  final Optional<StaticFiles> staticFiles;
  final UpstreamConnector connector;
  final Operations ops;
  private final Map<EventLoop, UpstreamPool> pools;

  ProxyContext(ProxyConfig config, UpstreamConnector connector, Map<EventLoop, UpstreamPool> pools, Operations ops) {
    this.config = config;
    this.cluster = config.cluster();
    this.ops = ops;
    this.credentials = ops.credentials; // counts token reloads for the metrics
    this.serverDescription = cluster.server().getScheme() + "://" + cluster.hostHeader();
    this.upstreamPathPrefix = config.appendServerPath() ? cluster.pathPrefix() : "";
    this.mux = new Route.Mux(config.apiPrefix(), config.www().map(w -> config.wwwPrefix()));
    this.filter = config.filter().map(RequestFilter::new);
    this.headers = new HeaderRewriter(cluster.hostHeader(), credentials, config.allowImpersonation(),
        cluster.userAgent());
    this.staticFiles = config.www().map(StaticFiles::new);
    this.connector = connector;
    this.pools = Map.copyOf(pools);
  }

  UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pools.get(loop);
    if (p == null) {
      throw new IllegalStateException("no upstream pool for event loop " + loop);
    }
    return p;
  }
}
