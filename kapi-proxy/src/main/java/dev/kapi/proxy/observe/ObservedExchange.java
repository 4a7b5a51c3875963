package dev.kapi.proxy.observe;

import dev.kapi.proxy.policy.RequestInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request through the proxy and what became of it: the facts known at the start (method, redacted path,
 * {@link RequestInfo}, kind, user agent) and those learnt on the way (status, {@code Audit-Id}, bytes, time to
 * first byte, duration, outcome). The proxy reports events here; this object forwards them to its
 * {@link ExchangeObserver}. It never holds a header value other than the user agent and the audit id, so
 * nothing read from it can leak a credential.
 *
 * <p>Events for one exchange come from its event loop; {@link #completed()} and {@link #aborted(String)} may
 * race (a close after the last write), so the first terminal event wins and later ones are ignored.
 */
public final class ObservedExchange {

  private final ExchangeObserver observer;
  private final ExchangeClock clock;
  private final Instant startTime;
  private final long startNanos;
  private final String method;
  private final String path;
  private final RequestInfo info;
  private final ExchangeKind kind;
  private final String userAgent;
  private final AtomicBoolean finished = new AtomicBoolean();
  private Runnable onFinish;

  private volatile int status;
  private volatile String auditId = "";
  private volatile long fromClient;
  private volatile long toClient;
  private volatile long firstByteNanos = -1;
  private volatile long endNanos = -1;
  private volatile Rejection rejection;
  private volatile String abortCause = "";
  private volatile Outcome outcome;

  private ObservedExchange(ExchangeObserver observer, ExchangeClock clock, String method, String target, RequestInfo info,
      ExchangeKind kind, String userAgent) {
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = clock;
    this.startTime = clock.now();
    this.startNanos = clock.nanoTime();
    this.method = method;
    this.path = RedactedPath.of(target);
    this.info = Objects.requireNonNull(info, "info");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.userAgent = userAgent == null ? "" : userAgent;
  }

  /**
   * Starts observing a request and tells the observer.
   *
   * @param target the path and query as they go upstream; secret-looking query values are redacted here
   */
  public static ObservedExchange start(ExchangeObserver observer, String method, String target, RequestInfo info,
      ExchangeKind kind, String userAgent) {
    return start(observer, ExchangeClock.SYSTEM, method, target, info, kind, userAgent);
  }

  public static ObservedExchange start(ExchangeObserver observer, ExchangeClock clock, String method, String target,
      RequestInfo info, ExchangeKind kind, String userAgent) {
    ObservedExchange e = new ObservedExchange(observer, clock, method, target, info, kind, userAgent);
    observer.started(e);
    return e;
  }

  /** The response head is on its way to the client. Only the first call counts. */
  public void responseStarted(int status, String auditId) {
    if (firstByteNanos >= 0 || finished.get()) {
      return;
    }
    this.status = status;
    this.auditId = auditId == null ? "" : auditId;
    this.firstByteNanos = clock.nanoTime();
    observer.responseStarted(this);
  }

  /** Request body or tunnel bytes read from the client. */
  public void fromClient(long bytes) {
    if (bytes > 0) {
      fromClient += bytes;
      observer.transferred(this, bytes, 0);
    }
  }

  /** Response body or tunnel bytes written to the client. */
  public void toClient(long bytes) {
    if (bytes > 0) {
      toClient += bytes;
      observer.transferred(this, 0, bytes);
    }
  }

  /** The proxy decided to answer this request itself; the answer follows as an ordinary response. */
  public void rejected(Rejection why) {
    this.rejection = Objects.requireNonNull(why, "why");
  }

  /** The response ended as it should (last content written, or a tunnel closed by either side). */
  public void completed() {
    finish(rejection != null ? Outcome.REJECTED : Outcome.COMPLETED, "");
  }

  /** A connection closed before the response was complete. */
  public void aborted(String cause) {
    finish(Outcome.ABORTED, cause == null ? "" : cause);
  }

  private void finish(Outcome how, String cause) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    this.endNanos = clock.nanoTime();
    this.abortCause = cause;
    this.outcome = how;
    observer.finished(this);
    Runnable r = onFinish;
    if (r != null) {
      r.run();
    }
  }

  /**
   * Runs {@code action} once when the exchange ends, however it ends (the proxy releases its load-protection
   * permit here, so a place is given back exactly once). Call on the exchange's event loop, before it ends.
   */
  public void whenFinished(Runnable action) {
    Runnable before = onFinish;
    onFinish = before == null ? action : () -> {
      before.run();
      action.run();
    };
    if (finished.get()) {
      onFinish = null;
      action.run();
    }
  }

  public boolean isFinished() {
    return finished.get();
  }

  public Instant startTime() {
    return startTime;
  }

  public String method() {
    return method;
  }

  /** Path and query with secret-looking query values redacted. */
  public String path() {
    return path;
  }

  public RequestInfo info() {
    return info;
  }

  public ExchangeKind kind() {
    return kind;
  }

  /** Long-running as the API server counts it (watch, proxy, exec, attach, log, portforward) or an upgrade. */
  public boolean longRunning() {
    return LongRunning.is(info, kind);
  }

  public String userAgent() {
    return userAgent;
  }

  /** HTTP status sent to the client; 0 before the response started (and forever if none was sent). */
  public int status() {
    return status;
  }

  /** The API server's {@code Audit-Id} response header, "" when there was none. */
  public String auditId() {
    return auditId;
  }

  public long bytesFromClient() {
    return fromClient;
  }

  public long bytesToClient() {
    return toClient;
  }

  /** Time from the request to the response head, once there is one. */
  public Optional<Duration> timeToFirstByte() {
    long f = firstByteNanos;
    return f < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(f - startNanos));
  }

  /** Time from the request to its end (or to now, while it runs). */
  public Duration duration() {
    long end = endNanos;
    return Duration.ofNanos((end < 0 ? clock.nanoTime() : end) - startNanos);
  }

  /** Null while the exchange runs. */
  public Outcome outcome() {
    return outcome;
  }

  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  /** Why it was aborted ("" unless {@link Outcome#ABORTED}). */
  public String abortCause() {
    return abortCause;
  }

  @Override
  public String toString() {
    return method + " " + path + " (" + kind.label() + ", " + (outcome == null ? "running" : outcome.label())
        + (status == 0 ? "" : ", " + status) + ")";
  }
}
