package dev.kapi.proxy.admin;

import dev.kapi.proxy.observe.UpstreamFailure;
import dev.kapi.proxy.observe.UpstreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code api-server}: the API server was reached within the last {@code freshness}. The proxy reports every
 * upstream response and failure here, so under traffic the check costs nothing and reflects what clients see
 * (the latest event wins: a failure after the last response fails the check at once). With no recent event
 * (an idle Pod), the check probes the API server's {@code /readyz} itself — at most one probe in flight, and
 * its result is a fresh event, so an idle proxy probes at most once per {@code freshness}. A failure is fresh
 * for one second at most: an idle proxy whose API server came back is ready at the kubelet's next probe, not up
 * to {@code freshness} later. Any answer below 500 means reached; 5xx from {@code /readyz} means the API server
 * is up but not ready, which fails too.
 */
public final class UpstreamHealth implements UpstreamObserver, HealthCheck {

  public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(10);
  private static final long FAILURE_FRESHNESS_NANOS = Duration.ofSeconds(1).toNanos();

  private record Event(long nanos, boolean ok, String detail) {
  }

  private final UpstreamProbe probe;
  private final long freshnessNanos;
  private final LongSupplier nanoTime;
  private final AtomicReference<Event> last = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Void>> probing = new AtomicReference<>();

  public UpstreamHealth(UpstreamProbe probe, Duration freshness, LongSupplier nanoTime) {
    this.probe = probe;
    this.freshnessNanos = freshness.toNanos();
    this.nanoTime = nanoTime;
  }

  /** A probe of {@code GET <prefix>/readyz} through {@code client} ({@code prefix}: the server URL's path). */
  public static UpstreamProbe readyzProbe(JdkUpstreamClient client, String prefix, Duration timeout) {
    return () -> client.get(prefix + "/readyz", java.util.Map.of(), timeout).thenApply(r -> r.statusCode());
  }

  @Override
  public String name() {
    return "api-server";
  }

  @Override
  public void responseReceived(int status) {
    last.set(new Event(nanoTime.getAsLong(), true, ""));
  }

  @Override
  public void failed(UpstreamFailure cause, String detail) {
    if (cause == UpstreamFailure.CREDENTIALS) {
      return; // the API server was not even tried; the token check reports this
    }
    last.set(new Event(nanoTime.getAsLong(), false, cause.label() + (detail.isEmpty() ? "" : ": " + detail)));
  }

  @Override
  public CompletionStage<Void> check() {
    Event e = last.get();
    if (e != null && fresh(e)) {
      return verdict(e);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = probing.compareAndExchange(null, mine);
    if (running != null) {
      return running.thenCompose(done -> verdict(last.get()));
    }
    probe().whenComplete((ok, err) -> {
      probing.set(null);
      mine.complete(null);
    });
    return mine.thenCompose(done -> verdict(last.get()));
  }

  private CompletableFuture<Void> probe() {
    CompletableFuture<Integer> answer;
    try {
      answer = probe.probe();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle((status, err) -> {
      if (err != null) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        failed(UpstreamFailure.classify(t), describe(t));
      } else if (status >= 500) {
        last.set(new Event(nanoTime.getAsLong(), false, "the API server answered /readyz with " + status));
      } else {
        responseReceived(status);
      }
      return null;
    });
  }

  private boolean fresh(Event e) {
    return nanoTime.getAsLong() - e.nanos() < (e.ok() ? freshnessNanos : Math.min(freshnessNanos, FAILURE_FRESHNESS_NANOS));
  }

  private CompletableFuture<Void> verdict(Event e) {
    if (e == null || e.ok()) {
      return CompletableFuture.completedFuture(null);
    }
    long ago = Duration.ofNanos(nanoTime.getAsLong() - e.nanos()).toSeconds();
    return CompletableFuture.failedFuture(
        new IllegalStateException("API server not reached: " + e.detail() + " (" + ago + "s ago)"));
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
        || root.getMessage().isBlank() || root.getMessage().equals(String.valueOf(root.getCause())))) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
