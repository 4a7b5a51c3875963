package dev.kapi.proxy;

import dev.kapi.proxy.admin.AdminAddress;
import dev.kapi.proxy.admin.UpstreamHealth;
import dev.kapi.proxy.discovery.DiscoveryCache;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.load.LoadProtection;
import dev.kapi.proxy.observe.LineSink;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the proxy runs as infrastructure, beside {@link ProxyConfig} (what it proxies): the admin listener, the
 * access log, load protection, the discovery cache and the shutdown grace. Immutable; see docs/operations.md.
 *
 * @param admin          where {@code /livez}, {@code /readyz}, {@code /metrics} are served; empty: nowhere
 * @param accessLog      where one JSON line per request goes; empty: no access log
 * @param requestLog     where {@code -v}'s plain line per request goes
 *                       ({@link dev.kapi.proxy.observe.VerboseRequestLog}); empty: nowhere
 * @param load           {@code --max-inflight}, {@code --qps}, {@code --burst}
 * @param shutdownGrace  how long a graceful shutdown waits for in-flight requests
 * @param discoveryCache {@code --cache-discovery}: how long discovery documents are served from memory; empty: off
 * @param readyFreshness how recent an API server response must be for {@code /readyz} not to probe
 */
public record OperationsConfig(Optional<InetSocketAddress> admin, Optional<LineSink> accessLog,
    Optional<LineSink> requestLog, LoadProtection.Settings load, Duration shutdownGrace,
    Optional<Duration> discoveryCache, Duration readyFreshness) {

  public OperationsConfig {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(requestLog, "requestLog");
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(discoveryCache, "discoveryCache");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("--shutdown-grace must not be negative, got " + shutdownGrace);
    }
  }

  /** For embedding and tests: no admin listener, no access log, no limits, no cache, the default grace. */
  public static OperationsConfig none() {
    return new OperationsConfig(Optional.empty(), Optional.empty(), Optional.empty(), LoadProtection.Settings.OFF,
        GracefulShutdown.DEFAULT_GRACE, Optional.empty(), UpstreamHealth.DEFAULT_FRESHNESS);
  }

  /** What {@code kapi proxy} runs with when given no flags: the admin listener on {@value AdminAddress#DEFAULT}. */
  public static OperationsConfig defaults() {
    return none().withAdmin(AdminAddress.parse(AdminAddress.DEFAULT));
  }

  public OperationsConfig withAdmin(Optional<InetSocketAddress> a) {
    return new OperationsConfig(a, accessLog, requestLog, load, shutdownGrace, discoveryCache, readyFreshness);
  }

  public OperationsConfig withAccessLog(Optional<LineSink> sink) {
    return new OperationsConfig(admin, sink, requestLog, load, shutdownGrace, discoveryCache, readyFreshness);
  }

  public OperationsConfig withRequestLog(Optional<LineSink> sink) {
    return new OperationsConfig(admin, accessLog, sink, load, shutdownGrace, discoveryCache, readyFreshness);
  }

  public OperationsConfig withLoad(LoadProtection.Settings l) {
    return new OperationsConfig(admin, accessLog, requestLog, l, shutdownGrace, discoveryCache, readyFreshness);
  }

  public OperationsConfig withShutdownGrace(Duration g) {
    return new OperationsConfig(admin, accessLog, requestLog, load, g, discoveryCache, readyFreshness);
  }

  /** {@code --cache-discovery}: on with {@link DiscoveryCache#DEFAULT_TTL}, or off. */
  public OperationsConfig withDiscoveryCache(boolean on) {
    return new OperationsConfig(admin, accessLog, requestLog, load, shutdownGrace,
        on ? Optional.of(DiscoveryCache.DEFAULT_TTL) : Optional.empty(), readyFreshness);
  }

  public OperationsConfig withReadyFreshness(Duration f) {
    return new OperationsConfig(admin, accessLog, requestLog, load, shutdownGrace, discoveryCache, f);
  }

  /** For the start-up line: every setting, nothing secret. */
  public String describe() {
    return "admin " + admin.map(a -> a.getHostString() + ":" + a.getPort()).orElse("off")
        + ", access-log " + (accessLog.isPresent() ? "on" : "off") + ", request log " + (requestLog.isPresent()
        ? "on stderr (-v)" : "off") + ", " + load
        + ", shutdown-grace " + shutdownGrace.toMillis() / 1000.0 + "s"
        + ", cache-discovery " + discoveryCache.map(t -> t.toSeconds() + "s").orElse("off");
  }
}
