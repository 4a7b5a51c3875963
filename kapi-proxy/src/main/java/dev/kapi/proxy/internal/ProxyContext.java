package dev.kapi.proxy.internal;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.policy.RequestGuard;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every connection shares, built once when the server starts: the configuration and the pieces made from
 * it. Immutable apart from the per-loop pools and slow-client trackers, each only touched from its own loop.
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
  final RequestGuard guard;
  final ConnectionSlots connections;
  final ConnectionSlots upgrades;
  private final Map<EventLoop, UpstreamPool> pools;
  private final Map<EventLoop, Credentials> loopCredentials;
  private final Map<EventLoop, SlowClients> slowClients;

  ProxyContext(ProxyConfig config, UpstreamConnector connector, Map<EventLoop, UpstreamPool> pools, Operations ops) {
    this.config = config;
    this.cluster = config.cluster();
    this.ops = ops;
    this.credentials = ops.credentials; // counts token reloads for the metrics
    // an egress proxy is named too, without its credentials: a refused connection may be its refusal
    this.serverDescription = cluster.server().getScheme() + "://" + cluster.hostHeader() + cluster.proxy()
        .map(p -> " (through the proxy " + p.getScheme() + "://" + p.getHost() + (p.getPort() < 0 ? "" : ":" + p.getPort()) + ")")
        .orElse("");
    this.upstreamPathPrefix = config.appendServerPath() ? cluster.pathPrefix() : "";
    this.mux = new Route.Mux(config.apiPrefix(), config.www().map(w -> config.wwwPrefix()));
    this.filter = config.filter().map(RequestFilter::new);
    this.guard = new RequestGuard(config.policy(), config.denyExec());
    // with a policy, Impersonate-* headers reach the API server only after the policy allowed them (else 403)
    this.headers = new HeaderRewriter(cluster.hostHeader(), config.allowImpersonation(), config.policy().isPresent(),
        cluster.userAgent());
    this.connections = new ConnectionSlots(config.limits().maxConnections());
    this.upgrades = new ConnectionSlots(config.limits().maxUpgrades());
    this.staticFiles = config.www().map(StaticFiles::new);
    this.connector = connector;
    this.pools = Map.copyOf(pools);
    Map<EventLoop, Credentials> perLoop = new HashMap<>();
    for (EventLoop loop : pools.keySet()) {
      // the loops Transport makes end each pass with its tail tasks; another kind of loop asks every time
      perLoop.put(loop,
          loop instanceof SingleThreadIoEventLoop s ? new LoopPassCredentials(credentials, s) : credentials);
    }
    this.loopCredentials = Map.copyOf(perLoop);
    int maxStalled = SlowClients.maxPerLoop(config.limits().maxStalledResponses(),
        io.netty.util.internal.PlatformDependent.maxDirectMemory(), pools.size());
    Map<EventLoop, SlowClients> slow = new HashMap<>();
    for (EventLoop loop : pools.keySet()) {
      slow.put(loop, new SlowClients(maxStalled, ops));
    }
    this.slowClients = Map.copyOf(slow);
  }

  /** The responses stalled by their clients on {@code loop}. */
  SlowClients slowClients(EventLoop loop) {
    SlowClients s = slowClients.get(loop);
    if (s == null) {
      throw new IllegalStateException("no slow-client tracker for event loop " + loop);
    }
    return s;
  }

  /** Whether a request of this kind may go as a stream of a shared HTTP/2 connection ({@code --upstream-http2}). */
  boolean multiplexes(ExchangeKind kind) {
    return switch (config.upstreamHttp2()) {
      case OFF -> false;
      case LONG_RUNNING -> kind == ExchangeKind.STREAM;
      case ALL -> kind != ExchangeKind.UPGRADE;
    };
  }

  /** The credential for requests on {@code loop}: checked once per pass of the loop (see LoopPassCredentials). */
  Credentials credentials(EventLoop loop) {
    return loopCredentials.getOrDefault(loop, credentials);
  }

  UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pools.get(loop);
    if (p == null) {
      throw new IllegalStateException("no upstream pool for event loop " + loop);
    }
    return p;
  }
}
