package dev.kapi.proxy.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drains the proxy on SIGTERM, in this order:
 * <ol>
 *   <li>readiness fails ({@link #draining()}) and the listeners stop accepting;
 *   <li>every client connection is asked to {@link Connection#drain() drain}: an idle keep-alive connection
 *       closes at once; one in the middle of an ordinary request finishes that response (with
 *       {@code Connection: close}) and then closes; a watch or followed log ends at its next event boundary
 *       with a clean end of stream (the terminating chunk), so the client re-watches elsewhere;
 *   <li>upgrade tunnels (exec, attach, port-forward) are left alone, since their protocols have no clean end
 *       the proxy could inject; they may finish by themselves;
 *   <li>when every connection has closed, or the grace period ({@code --shutdown-grace}, 10 s) is over, what
 *       is left is closed: ordinary connections first, tunnels last.
 * </ol>
 * The proxy then stops its event loops and the process exits 0. The Pod's {@code terminationGracePeriodSeconds}
 * must exceed the grace period, or the kubelet's SIGKILL comes first.
 */
public final class GracefulShutdown {

  /** A client connection, as the shutdown sees it. Implementations hop to their event loop themselves. */
  public interface Connection {

    /** Take no further requests; close when the current response (or stream, at an event boundary) is done. */
    void drain();

    /** Close now, whatever is going on. */
    void close();

    /** True once the connection carries an upgraded tunnel. */
    boolean isTunnel();

    CompletionStage<Void> closed();
  }

  /** What the shutdown did: connections that closed by themselves, and those closed at the deadline. */
  public record Summary(int drained, int forced, int tunnelsForced, Duration took) {
  }

  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  private final Duration grace;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final CompletableFuture<Summary> done = new CompletableFuture<>();

  public GracefulShutdown(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("--shutdown-grace must not be negative, got " + grace);
    }
    this.grace = grace;
  }

  public Duration grace() {
    return grace;
  }

  /** Tracks {@code c} until it closes; a connection accepted while draining is asked to drain at once. */
  public void register(Connection c) {
    open.add(c);
    c.closed().whenComplete((v, e) -> open.remove(c));
    if (draining.get()) {
      c.drain();
    }
  }

  /** True from the start of the shutdown: readiness reports it, the frontend refuses new requests. */
  public boolean draining() {
    return draining.get();
  }

  public int openConnections() {
    return open.size();
  }

  /**
   * Starts the shutdown (once; later calls return the same future).
   *
   * @param stopAccepting closes the listeners
   */
  public CompletableFuture<Summary> shutdown(Runnable stopAccepting) {
    if (!draining.compareAndSet(false, true)) {
      return done;
    }
    long start = System.nanoTime();
    try {
      stopAccepting.run();
    } finally {
      List<Connection> all = new ArrayList<>(open);
      all.forEach(Connection::drain);
      CompletableFuture<?>[] closing = all.stream().map(c -> c.closed().toCompletableFuture()).toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(closing)
          .handle((v, e) -> null)
          .completeOnTimeout(null, grace.toMillis(), TimeUnit.MILLISECONDS)
          .thenRun(() -> done.complete(forceRest(all.size(), start)));
    }
    return done;
  }

  private Summary forceRest(int initially, long start) {
    List<Connection> left = open.stream().filter(c -> !c.closed().toCompletableFuture().isDone()).toList();
    int tunnels = 0;
    for (Connection c : left) {
      if (!c.isTunnel()) {
        c.close();
      }
    }
    for (Connection c : left) {
      if (c.isTunnel()) {
        tunnels++;
        c.close();
      }
    }
    return new Summary(Math.max(0, initially - left.size()), left.size() - tunnels, tunnels,
        Duration.ofNanos(System.nanoTime() - start));
  }
}
