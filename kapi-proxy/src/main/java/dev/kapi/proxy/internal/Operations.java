package dev.kapi.proxy.internal;

import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.admin.AdminRoutes;
import dev.kapi.proxy.admin.AdminServer;
import dev.kapi.proxy.admin.CaCheck;
import dev.kapi.proxy.admin.EventLoopCheck;
import dev.kapi.proxy.admin.HealthCheck;
import dev.kapi.proxy.admin.HealthEndpoint;
import dev.kapi.proxy.admin.JdkUpstreamClient;
import dev.kapi.proxy.admin.MetricsEndpoint;
import dev.kapi.proxy.admin.TokenCheck;
import dev.kapi.proxy.admin.UpstreamHealth;
import dev.kapi.proxy.discovery.DiscoveryCache;
import dev.kapi.proxy.discovery.JdkDiscoveryFetcher;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.load.LoadProtection;
import dev.kapi.proxy.observe.AccessLog;
import dev.kapi.proxy.observe.ExchangeObserver;
import dev.kapi.proxy.observe.LineLog;
import dev.kapi.proxy.observe.ProxyMetrics;
import dev.kapi.proxy.observe.ReloadCountingCredentials;
import dev.kapi.proxy.observe.UpstreamObserver;
import dev.kapi.proxy.observe.VerboseRequestLog;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxy as infrastructure, assembled once per server from {@link OperationsConfig}: who observes exchanges
 * (metrics, access log) and the API server connection (metrics, readiness), the load limits, the discovery cache,
 * the graceful shutdown, and the admin listener's endpoints. The request path only reports to these; none of
 * them changes a request except the limits and the cache, which answer in the proxy's place.
 */
public final class Operations {

  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  final ReloadCountingCredentials credentials;
  final ExchangeObserver exchanges;
  final UpstreamObserver upstream;
  final LoadProtection load;
  final Optional<DiscoveryCache> discovery;
  final GracefulShutdown shutdown;
  private final Optional<ProxyMetrics> metrics;
  private final OperationsConfig config;
  private final ProxyConfig proxy;
  private final Optional<UpstreamHealth> health;

  public Operations(ProxyConfig proxy, OperationsConfig config) {
    this.proxy = proxy;
    this.config = config;
    this.credentials = ReloadCountingCredentials.of(proxy.cluster().credentials());
    // Metrics and readiness exist only when the admin listener serves them: the Prometheus registry, the JVM
    // collectors (JMX) and the java.net.http side channel cost a fifth of a second at start-up and a few
    // microseconds per request that nobody could read (docs/benchmarks.md, "Proxy").
    this.metrics = config.admin().map(a -> new ProxyMetrics(new PrometheusRegistry(), credentials, proxy.cluster().tls()));
    List<ExchangeObserver> observers = new ArrayList<>();
    metrics.ifPresent(observers::add);
    config.accessLog().ifPresent(sink -> observers.add(new LineLog(sink, AccessLog::format)));
    config.requestLog().ifPresent(sink -> observers.add(new VerboseRequestLog(sink)));
    this.exchanges = observers.isEmpty() ? ExchangeObserver.none() : ExchangeObserver.composite(observers);
    // the side channel sends the same (counting) credential as the data path
    Optional<JdkUpstreamClient> side = config.admin().isPresent() || config.discoveryCache().isPresent()
        ? Optional.of(new JdkUpstreamClient(proxy.cluster().toBuilder().credentials(credentials).build()))
        : Optional.empty();
    this.health = config.admin().map(a -> new UpstreamHealth(
        UpstreamHealth.readyzProbe(side.orElseThrow(), proxy.cluster().pathPrefix(), PROBE_TIMEOUT),
        config.readyFreshness(), System::nanoTime));
    List<UpstreamObserver> watchers = new ArrayList<>();
    metrics.ifPresent(watchers::add);
    health.ifPresent(watchers::add);
    this.upstream = UpstreamObserver.composite(watchers);
    this.load = new LoadProtection(config.load(), System::nanoTime);
    this.discovery = config.discoveryCache().map(ttl -> new DiscoveryCache(
        new JdkDiscoveryFetcher(side.orElseThrow(), proxy.cluster().requestTimeout(), upstream), ttl, System::nanoTime,
        result -> metrics.ifPresent(m -> m.discoveryCache(result))));
    this.shutdown = new GracefulShutdown(config.shutdownGrace());
  }

  /** Nothing configured: no metrics, no admin listener. */
  public static Operations none(ProxyConfig proxy) {
    return new Operations(proxy, OperationsConfig.none());
  }

  public GracefulShutdown shutdown() {
    return shutdown;
  }

  /** The proxy's metrics, when the admin listener serves them. */
  public Optional<ProxyMetrics> metrics() {
    return metrics;
  }

  /** Counts a request or connection refused by a hard limit (when metrics are served). */
  void limitRejected(String limit) {
    metrics.ifPresent(m -> m.limitRejected(limit));
  }

  /** Counts responses stalled by their clients (when metrics are served). */
  void stalledResponses(int delta) {
    metrics.ifPresent(m -> m.stalledResponses(delta));
  }

  /** Starts the admin listener when one is configured; {@code loops} are the proxy's, for {@code /livez}. */
  public Optional<AdminServer> startAdmin(EventLoopGroup loops, Transport transport) {
    return config.admin().map(address -> AdminServer.start(address, new AdminRoutes(
        new HealthEndpoint("livez", List.of(new EventLoopCheck(loops, LIVENESS_TIMEOUT)), CHECK_TIMEOUT),
        new HealthEndpoint("readyz", List.of(
            new TokenCheck(credentials, Clock.systemUTC()),
            new CaCheck(proxy.cluster().tls()),
            health.orElseThrow(),
            HealthCheck.of("shutdown", () -> {
              if (shutdown.draining()) {
                throw new IllegalStateException("shutting down: no new connections, draining the open ones");
              }
            })), CHECK_TIMEOUT),
        new MetricsEndpoint(metrics.orElseThrow().registry(), metrics.orElseThrow()::registerJvmMetrics)),
        transport.ioHandlerFactory(), transport.serverChannel()));
  }
}
