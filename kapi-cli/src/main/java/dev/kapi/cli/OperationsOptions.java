package dev.kapi.cli;

import static dev.kapi.cli.Flags.option;

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
import picocli.CommandLine.Model.CommandSpec;

/**
 * The flags that make {@code kapi proxy} run as infrastructure (docs/operations.md): admin listener, access log,
 * log level, load protection, graceful shutdown, discovery cache. Flags of {@link ProxyCommand}, defined in code.
 */
final class OperationsOptions {

  String adminAddress;
  boolean accessLog;
  String logLevel;
  int maxInflight;
  double qps;
  int burst;
  String shutdownGrace;
  boolean cacheDiscovery;

  /**
   * Adds the flags to the proxy's command, defined in code ({@link Flags}); not as a mixin, because each picocli
   * command model compiles four regular expressions when it is made, in the interpreter at start-up.
   */
  void addTo(CommandSpec spec) {
    spec.addOption(option(this, "adminAddress", "--admin-address")
        .defaultValue(AdminAddress.DEFAULT)
        .description("Where to serve /livez, /readyz and /metrics (HOST:PORT, [IPv6]:PORT, :PORT for all "
            + "interfaces, or off). Kept apart from the proxy's address so they never shadow the API server's own "
            + "paths. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "accessLog", "--access-log").arity("0..1")
        .defaultValue("false")
        .description("Write one JSON line per request on stdout (no token, secret-looking query values redacted).")
        .build());
    spec.addOption(option(this, "logLevel", "--log-level").defaultValue("warn")
        .description("The proxy's own log on stderr: error, warn, info, debug or trace. (default: ${DEFAULT-VALUE})")
        .build());
    spec.addOption(option(this, "maxInflight", "--max-inflight").defaultValue("0")
        .description("At most this many requests in flight (watch, exec, attach, port-forward, log and proxy "
            + "requests not counted, as with the API server's own limit); the excess gets 429 with Retry-After. "
            + "0: no limit. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "qps", "--qps").defaultValue("0")
        .description("Requests per second to the API server, for all clients of this proxy together (client-go's "
            + "token bucket; a watch counts once). A request waits up to 1s for its turn, else gets 429 with "
            + "Retry-After. 0: no limit. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "burst", "--burst").defaultValue("0")
        .description("Requests allowed at once above --qps (the bucket size); 0: ceil(qps). "
            + "(default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "shutdownGrace", "--shutdown-grace")
        .defaultValue("10s")
        .description("On SIGTERM, how long in-flight requests may take to finish (watches end cleanly at once, "
            + "tunnels are closed last). Keep the Pod's terminationGracePeriodSeconds longer. "
            + "(default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "cacheDiscovery", "--cache-discovery")
        .arity("0..1").defaultValue("false")
        .description("Serve /api, /apis, /apis/GROUP[/VERSION] and /version from memory for 10s, revalidated with "
            + "ETag, so many short-lived clients cost the API server one request per document.").build());
  }

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
