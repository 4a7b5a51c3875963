package dev.kapi.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.kapi.proxy.GoDurations;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.admin.AdminAddress;
import dev.kapi.proxy.load.LoadProtection;
import dev.kapi.proxy.observe.LineSink;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The flags that make {@code kapi proxy} run as infrastructure (docs/operations.md): admin listener, access log,
 * log level, load protection, graceful shutdown, discovery cache. A mixin of {@link ProxyCommand}.
 */
final class OperationsOptions {

  @Option(names = "--admin-address", defaultValue = AdminAddress.DEFAULT,
      description = "Where to serve /livez, /readyz and /metrics (HOST:PORT, [IPv6]:PORT, :PORT for all "
          + "interfaces, or off). Kept apart from the proxy's address so they never shadow the API server's own "
          + "paths. (default: ${DEFAULT-VALUE})")
  String adminAddress;

  @Option(names = "--access-log", arity = "0..1", defaultValue = "false",
      description = "Write one JSON line per request on stdout (no token, secret-looking query values redacted).")
  boolean accessLog;

  @Option(names = "--log-level", defaultValue = "warn",
      description = "The proxy's own log on stderr: error, warn, info, debug or trace. (default: ${DEFAULT-VALUE})")
  String logLevel;

  @Option(names = "--max-inflight", defaultValue = "0",
      description = "At most this many requests in flight (watch, exec, attach, port-forward, log and proxy "
          + "requests not counted, as with the API server's own limit); the excess gets 429 with Retry-After. "
          + "0: no limit. (default: ${DEFAULT-VALUE})")
  int maxInflight;

  @Option(names = "--qps", defaultValue = "0",
      description = "Requests per second to the API server, for all clients of this proxy together (client-go's "
          + "token bucket; a watch counts once). A request waits up to 1s for its turn, else gets 429 with "
          + "Retry-After. 0: no limit. (default: ${DEFAULT-VALUE})")
  double qps;

  @Option(names = "--burst", defaultValue = "0",
      description = "Requests allowed at once above --qps (the bucket size); 0: ceil(qps). (default: ${DEFAULT-VALUE})")
  int burst;

  @Option(names = "--shutdown-grace", defaultValue = "10s",
      description = "On SIGTERM, how long in-flight requests may take to finish (watches end cleanly at once, "
          + "tunnels are closed last). Keep the Pod's terminationGracePeriodSeconds longer. (default: ${DEFAULT-VALUE})")
  String shutdownGrace;

  @Option(names = "--cache-discovery", arity = "0..1", defaultValue = "false",
      description = "Serve /api, /apis, /apis/GROUP[/VERSION] and /version from memory for 10s, revalidated with "
          + "ETag, so many short-lived clients cost the API server one request per document.")
  boolean cacheDiscovery;

  /** The flags as one configuration; a bad value is a one-line usage error (exit 2). */
  OperationsConfig toConfig(Optional<LineSink> accessLogSink) {
    Duration grace = GoDurations.parse(shutdownGrace).filter(d -> !d.isNegative())
        .orElseThrow(() -> new ExitCodeException(2, "--shutdown-grace: invalid duration \"" + shutdownGrace
            + "\" (use Go syntax, e.g. 10s, 1m)"));
    try {
      return OperationsConfig.none()
          .withAdmin(AdminAddress.parse(adminAddress))
          .withAccessLog(accessLogSink)
          .withLoad(new LoadProtection.Settings(maxInflight, qps, burst, Duration.ofSeconds(1)))
          .withShutdownGrace(grace)
          .withDiscoveryCache(cacheDiscovery);
    } catch (IllegalArgumentException e) {
      throw new ExitCodeException(2, e.getMessage());
    }
  }

  /** Sets the level of the proxy's own log (logback's root logger). */
  void applyLogLevel() {
    Level level = Level.toLevel(logLevel, null);
    if (level == null || !logLevel.equalsIgnoreCase(level.toString())) {
      throw new ExitCodeException(2, "--log-level must be error, warn, info, debug or trace, got \"" + logLevel + "\"");
    }
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(level);
    }
  }
}
