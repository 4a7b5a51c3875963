package dev.kapi.proxy.observe;

import dev.kapi.config.TlsSettings;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's Prometheus metrics, named by Prometheus conventions ({@code _total}, {@code _seconds},
 * {@code _bytes}) and labelled in the API server's terms (verb, group, resource as its RequestInfo derives them).
 * An observer: it counts what the proxy did and never changes it.
 *
 * <p>Watches and other long-running requests (the API server's own definition, see {@link LongRunning}) are
 * left out of the completion-latency histogram and the in-flight gauge, as kube-apiserver leaves them out of
 * its own: a six-hour watch is not a slow request. They have their own gauges instead.
 */
public final class ProxyMetrics implements ExchangeObserver, UpstreamObserver {

  /** Beyond this many distinct (group, resource, subresource) label values, group and resource become "other"
   * and the subresource empty: a neighbour requesting made-up paths must not grow the registry without bound. */
  static final int MAX_RESOURCES = 500;
  static final String OTHER = "other";

  /** Verbs the API server can derive, and the HTTP methods of non-resource requests; any other method is "other". */
  private static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete",
      "deletecollection", "proxy", "head", "options", "post", "put", "");

  private static final double[] LATENCY_BUCKETS =
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final PrometheusRegistry registry;
  private final Set<String> knownResources = ConcurrentHashMap.newKeySet();

  private final Counter requests;
  private final Histogram firstByte;
  private final Histogram duration;
  private final Gauge inFlight;
  private final Gauge openWatches;
  private final Gauge stalledResponses;
  private final Gauge openTunnels;
  private final Counter bytesFromClients;
  private final Counter bytesToClients;
  private final Counter aborted;
  private final Counter filterRejections;
  private final Counter loadRejections;
  private final Gauge upstreamOpen;
  private final Counter upstreamOpened;
  private final Counter upstreamRequests;
  private final Counter upstreamErrors;
  private final Counter discoveryCache;
  private final Counter limitRejections;
  private boolean jvmRegistered; // guarded by this

  /**
   * Registers the proxy's metrics in {@code registry} (the JVM's: {@link #registerJvmMetrics}).
   *
   * @param credentials counts token reloads and knows the token's expiry
   * @param tls         knows how often the CA file was re-read
   */
  public ProxyMetrics(PrometheusRegistry registry, ReloadCountingCredentials credentials, TlsSettings tls) {
    this.registry = registry;
    // every metric without exemplars: the proxy has no tracer to take them from, and a metric with them samples on
    // each update (the in-flight gauge moves twice per request) and starts the client library's scheduler thread
    requests = Counter.builder().name("kapi_proxy_requests_total")
        .help("Requests through the proxy by RBAC verb, API group, resource, subresource and HTTP status sent to the"
            + " client (code=\"0\": the connection closed before any response); counted when the request ends")
        .labelNames("verb", "group", "resource", "subresource", "code").withoutExemplars().register(registry);
    firstByte = Histogram.builder().name("kapi_proxy_request_first_byte_seconds")
        .help("Time from the request to the response head sent to the client, by verb (watches included)")
        .labelNames("verb").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    duration = Histogram.builder().name("kapi_proxy_request_duration_seconds")
        .help("Time from the request to the end of its response, by verb; long-running requests (watch, exec, attach,"
            + " port-forward, log, proxy) excluded")
        .labelNames("verb").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    inFlight = Gauge.builder().name("kapi_proxy_requests_in_flight")
        .help("Requests being served now, long-running ones excluded (what --max-inflight limits)").withoutExemplars()
        .register(registry);
    openWatches = Gauge.builder().name("kapi_proxy_watches_open")
        .help("Watch requests open now").withoutExemplars().register(registry);
    stalledResponses = Gauge.builder().name("kapi_proxy_stalled_responses")
        .help("Responses paused now because their client takes nothing more (see --max-stalled-responses)")
        .withoutExemplars().register(registry);
    openTunnels = Gauge.builder().name("kapi_proxy_upgrade_tunnels_open")
        .help("Upgraded connections (exec, attach, port-forward) spliced now").withoutExemplars().register(registry);
    bytesFromClients = Counter.builder().name("kapi_proxy_received_bytes_total")
        .help("Request body and tunnel bytes read from clients").withoutExemplars().register(registry);
    bytesToClients = Counter.builder().name("kapi_proxy_sent_bytes_total")
        .help("Response body and tunnel bytes written to clients").withoutExemplars().register(registry);
    aborted = Counter.builder().name("kapi_proxy_requests_aborted_total")
        .help("Requests whose connection closed before the response was complete, by exchange kind")
        .labelNames("kind").withoutExemplars().register(registry);
    filterRejections = Counter.builder().name("kapi_proxy_filter_rejections_total")
        .help("Requests refused by a filter rule (reject-paths, accept-hosts, read-only …), by rule")
        .labelNames("rule").withoutExemplars().register(registry);
    loadRejections = Counter.builder().name("kapi_proxy_load_rejections_total")
        .help("Requests answered 429 by the proxy's own load protection, by limit (max-inflight, qps)")
        .labelNames("limit").withoutExemplars().register(registry);
    upstreamOpen = Gauge.builder().name("kapi_proxy_upstream_connections_open")
        .help("Connections to the API server open now").withoutExemplars().register(registry);
    upstreamOpened = Counter.builder().name("kapi_proxy_upstream_connections_opened_total")
        .help("Connections to the API server opened since start").withoutExemplars().register(registry);
    upstreamRequests = Counter.builder().name("kapi_proxy_upstream_requests_total")
        .help("Requests sent to the API server (forwarded requests, 401 retries, discovery fetches; not readiness probes)")
        .withoutExemplars().register(registry);
    upstreamErrors = Counter.builder().name("kapi_proxy_upstream_errors_total")
        .help("Failures talking to the API server, by cause").labelNames("cause").withoutExemplars().register(registry);
    discoveryCache = Counter.builder().name("kapi_proxy_discovery_cache_requests_total")
        .help("Discovery requests served by --cache-discovery, by result: hit (from memory), coalesced (shared another"
            + " client's upstream fetch), revalidated (304 from the API server), miss (fetched)")
        .labelNames("result").withoutExemplars().register(registry);
    limitRejections = Counter.builder().name("kapi_proxy_limit_rejections_total")
        .help("Requests or connections refused by a hard limit (max-header-bytes, max-request-body-bytes,"
            + " header-read-timeout, max-connections, max-upgrades, malformed), by limit")
        .labelNames("limit").withoutExemplars().register(registry);
    CounterWithCallback.builder().name("kapi_proxy_token_reloads_total")
        .help("Times the bearer token sent upstream changed (rotation of the token file, re-read after a 401)")
        .callback(cb -> cb.call(credentials.reloads())).register(registry);
    CounterWithCallback.builder().name("kapi_proxy_ca_reloads_total")
        .help("Times a rotated CA file was re-read").callback(cb -> cb.call(tls.caReloads())).register(registry);
    GaugeWithCallback.builder().name("kapi_proxy_token_expiry_timestamp_seconds")
        .help("When the current token expires by its own exp claim (absent when unknown)")
        .callback(cb -> expiry(credentials).ifPresent(t -> cb.call(t.getEpochSecond()))).register(registry);
    for (UpstreamFailure f : UpstreamFailure.values()) {
      upstreamErrors.labelValues(f.label()); // every cause present from the start, at 0
    }
  }

  /**
   * Adds the JVM's own metrics (memory, GC, threads, class loading) to the registry, once; later calls do nothing.
   * Separate from the constructor because the collectors start JMX, about 650 classes and a tenth of a second of
   * CPU: the admin listener calls this on the first scrape, so a proxy nobody scrapes never pays for it (first
   * response and idle memory are benchmarked targets).
   */
  public synchronized void registerJvmMetrics() {
    if (!jvmRegistered) { // a scrape racing the first one waits for the collectors rather than going without them
      JvmMetrics.builder().register(registry);
      jvmRegistered = true;
    }
  }

  private static Optional<Instant> expiry(ReloadCountingCredentials credentials) {
    try {
      return credentials.expiry();
    } catch (RuntimeException unreadable) {
      return Optional.empty(); // the readiness check reports an unreadable token; a scrape must not fail on it
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void started(ObservedExchange e) {
    if (!e.longRunning()) {
      inFlight.inc();
    } else if (e.info().verb().equals("watch")) {
      openWatches.inc();
    }
  }

  @Override
  public void responseStarted(ObservedExchange e) {
    e.timeToFirstByte().ifPresent(d -> firstByte.labelValues(verbLabel(e.info().verb())).observe(seconds(d)));
    if (e.kind() == ExchangeKind.UPGRADE && e.status() == 101) {
      openTunnels.inc();
    }
  }

  @Override
  public void transferred(ObservedExchange e, long fromClient, long toClient) {
    if (fromClient > 0) {
      bytesFromClients.inc(fromClient);
    }
    if (toClient > 0) {
      bytesToClients.inc(toClient);
    }
  }

  @Override
  public void finished(ObservedExchange e) {
    var info = e.info();
    String verb = verbLabel(info.verb());
    boolean known = knownResource(info.apiGroup(), info.resource(), info.subresource());
    requests.labelValues(verb, known ? info.apiGroup() : OTHER, known ? info.resource() : OTHER,
        known ? info.subresource() : "", Integer.toString(e.status())).inc();
    if (!e.longRunning()) {
      inFlight.dec();
      duration.labelValues(verb).observe(seconds(e.duration()));
    } else if (info.verb().equals("watch")) {
      openWatches.dec();
    }
    if (e.kind() == ExchangeKind.UPGRADE && e.status() == 101) {
      openTunnels.dec();
    }
    if (e.outcome() == Outcome.ABORTED) {
      aborted.labelValues(e.kind().label()).inc();
    }
    e.rejection().ifPresent(r -> {
      if (r.by().equals(Rejection.FILTER)) {
        filterRejections.labelValues(r.rule()).inc();
      } else if (r.by().equals(Rejection.LOAD)) {
        loadRejections.labelValues(r.rule()).inc();
      }
    });
  }

  private boolean knownResource(String group, String resource, String subresource) {
    if (resource.isEmpty()) {
      return true; // a non-resource request: group and resource are empty
    }
    if (group.length() > 253 || resource.length() > 63 || subresource.length() > 63) {
      return false; // longer than any real API group or resource name: a label that size only bloats each scrape
    }
    String key = group + "/" + resource + "/" + subresource;
    if (knownResources.contains(key)) {
      return true;
    }
    if (knownResources.size() >= MAX_RESOURCES) {
      return false;
    }
    knownResources.add(key);
    return true;
  }

  private static String verbLabel(String verb) {
    return VERBS.contains(verb) ? verb : OTHER;
  }

  @Override
  public void connectionOpened() {
    upstreamOpen.inc();
    upstreamOpened.inc();
  }

  @Override
  public void connectionClosed() {
    upstreamOpen.dec();
  }

  @Override
  public void requestSent() {
    upstreamRequests.inc();
  }

  @Override
  public void failed(UpstreamFailure cause, String detail) {
    upstreamErrors.labelValues(cause.label()).inc();
  }

  /** Counts a request or connection refused by one of the proxy's hard limits ({@code dev.kapi.proxy.Limits}). */
  public void limitRejected(String limit) {
    limitRejections.labelValues(limit).inc();
  }

  /** A response started or stopped waiting for a client that takes nothing. */
  public void stalledResponses(int delta) {
    stalledResponses.inc(delta);
  }

  /** Counts a discovery request by how the cache served it: hit, coalesced, revalidated, miss. */
  public void discoveryCache(String result) {
    discoveryCache.labelValues(result).inc();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
