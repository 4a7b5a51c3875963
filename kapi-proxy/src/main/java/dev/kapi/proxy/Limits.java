package dev.kapi.proxy;

import java.time.Duration;

/**
 * The proxy's hard limits, each a flag with a default sized for an ambassador: generous for any real Kubernetes
 * client, small enough that a broken or hostile neighbour cannot exhaust the proxy's memory or connections. Each
 * rejection is a Kubernetes {@code Status} and a count in {@code kapi_proxy_limit_rejections_total{limit}}.
 *
 * @param maxHeaderBytes        {@code --max-header-bytes}: the request's header block (431)
 * @param maxRequestTargetBytes {@code --max-request-target-bytes}: path and query (414)
 * @param maxRequestBodyBytes   {@code --max-request-body-bytes}: a request body, upgrades excepted (413); the
 *                              default is the API server's own limit, so nothing it would take is refused here;
 *                              bodies relayed to a workload ({@code proxy} verb or subresource) are exempt, as there
 * @param headerReadTimeout     {@code --header-read-timeout}: from the first byte of a request (or the end of the
 *                              previous response) to its last header line (408); an idle keep-alive connection
 *                              is closed quietly after the same time
 * @param maxConnections        {@code --max-connections}: client connections open at once (503, then close)
 * @param maxUpgrades           {@code --max-upgrades}: exec, attach and port-forward sessions at once (429)
 * @param maxStalledResponses   {@code --max-stalled-responses}: responses at once whose client has stopped taking
 *                              them while the proxy holds a full buffer for it; beyond this the longest-stalled
 *                              client is cut off. 0 derives it from the direct memory (half of it, at ~2 MiB each)
 */
public record Limits(int maxHeaderBytes, int maxRequestTargetBytes, long maxRequestBodyBytes, Duration headerReadTimeout,
    int maxConnections, int maxUpgrades, int maxStalledResponses) {

  public static final String HEADER_BYTES = "max-header-bytes";
  public static final String REQUEST_TARGET_BYTES = "max-request-target-bytes";
  public static final String REQUEST_BODY_BYTES = "max-request-body-bytes";
  public static final String HEADER_READ_TIMEOUT = "header-read-timeout";
  public static final String CONNECTIONS = "max-connections";
  public static final String UPGRADES = "max-upgrades";
  public static final String STALLED_RESPONSES = "max-stalled-responses";
  /** Not a flag: a request the HTTP decoder cannot read at all (400, then close). */
  public static final String MALFORMED = "malformed";

  public static final Limits DEFAULTS = new Limits(64 * 1024, 32 * 1024, 3L * 1024 * 1024, Duration.ofSeconds(30),
      4096, 128, 0);

  public Limits {
    positive("--" + HEADER_BYTES, maxHeaderBytes);
    positive("--" + REQUEST_TARGET_BYTES, maxRequestTargetBytes);
    positive("--" + REQUEST_BODY_BYTES, maxRequestBodyBytes);
    positive("--" + CONNECTIONS, maxConnections);
    positive("--" + UPGRADES, maxUpgrades);
    if (maxStalledResponses < 0) {
      throw new IllegalArgumentException("--" + STALLED_RESPONSES + " must be 0 (automatic) or positive, got "
          + maxStalledResponses);
    }
    if (headerReadTimeout == null || headerReadTimeout.isNegative() || headerReadTimeout.isZero()) {
      throw new IllegalArgumentException("--" + HEADER_READ_TIMEOUT + " must be positive, got " + headerReadTimeout);
    }
  }

  private static void positive(String flag, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(flag + " must be positive, got " + value);
    }
  }

  /** Who counts the rejections (the metrics); one call per rejected request or connection. */
  public interface Observer {
    Observer NONE = limit -> { };

    void rejected(String limit);
  }
}
