package dev.kapi.proxy.load;

import dev.kapi.proxy.observe.ExchangeKind;
import dev.kapi.proxy.observe.LongRunning;
import dev.kapi.proxy.policy.RequestInfo;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The proxy's own limits, so that one Pod cannot flood the API server through it.
 *
 * <ul>
 *   <li><b>{@code --max-inflight N}</b>: at most N requests in flight; the next one gets {@code 429} with
 *       {@code Retry-After: 1} at once. Long-running requests (watch, exec, attach, port-forward, log, proxy) are
 *       <em>not</em> counted, exactly as kube-apiserver's {@code --max-requests-inflight} exempts them: a Pod
 *       holding 50 informer watches must still be able to make its ordinary requests.
 *   <li><b>{@code --qps Q --burst B}</b>: client-go's token bucket, shared by all clients of this proxy. Every
 *       request takes one token when it starts, watches and upgrades included (once: a watch's hours of events
 *       are not requests). When the bucket is empty a request waits for its token, as client-go would, but at
 *       most {@link Settings#maxQueueWait()} (1 s): past that it gets {@code 429} with the {@code Retry-After}
 *       its token would need, which client-go honours and retries, so a sustained overload is pushed back to
 *       the clients instead of queueing without bound inside the proxy. A queued request holds its in-flight
 *       place, so {@code --max-inflight} also bounds the queue.
 * </ul>
 * Both limits are off (0) by default, as with {@code kubectl proxy}. A {@code 429} from the API server itself
 * (priority and fairness) is not ours: it passes through untouched, {@code Retry-After} included, and the
 * proxy never retries it.
 */
public final class LoadProtection {

  public static final String MAX_INFLIGHT = "max-inflight";
  public static final String QPS = "qps";

  /**
   * @param maxInflight   0 for no limit
   * @param qps           0 for no rate limit
   * @param burst         bucket size; 0 means {@code max(1, ceil(qps))}
   * @param maxQueueWait  longest a request waits for a token before it is refused
   */
  public record Settings(int maxInflight, double qps, int burst, Duration maxQueueWait) {
    public static final Settings OFF = new Settings(0, 0, 0, Duration.ofSeconds(1));

    public Settings {
      if (maxInflight < 0) {
        throw new IllegalArgumentException("--max-inflight must be >= 0, got " + maxInflight);
      }
      if (qps < 0 || Double.isNaN(qps) || Double.isInfinite(qps)) {
        throw new IllegalArgumentException("--qps must be >= 0, got " + qps);
      }
      if (burst < 0) {
        throw new IllegalArgumentException("--burst must be >= 0, got " + burst);
      }
      if (burst > 0 && qps == 0) {
        throw new IllegalArgumentException("--burst needs --qps");
      }
    }

    public int effectiveBurst() {
      return burst > 0 ? burst : (int) Math.max(1, Math.ceil(qps));
    }

    @Override
    public String toString() {
      return "max-inflight=" + (maxInflight == 0 ? "off" : maxInflight)
          + ", qps=" + (qps == 0 ? "off" : qps + " burst " + effectiveBurst());
    }
  }

  private final Settings settings;
  private final AtomicInteger inflight = new AtomicInteger();
  private final TokenBucket bucket;

  public LoadProtection(Settings settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.bucket = settings.qps() > 0 ? new TokenBucket(settings.qps(), settings.effectiveBurst(), nanoTime) : null;
  }

  public Settings settings() {
    return settings;
  }

  /** Requests holding an in-flight place now. */
  public int inflight() {
    return inflight.get();
  }

  public LoadDecision admit(RequestInfo info, ExchangeKind kind) {
    LoadDecision.Permit permit = LoadDecision.Permit.NONE;
    if (settings.maxInflight() > 0 && !LongRunning.is(info, kind)) {
      if (inflight.incrementAndGet() > settings.maxInflight()) {
        inflight.decrementAndGet();
        return new LoadDecision.Reject(MAX_INFLIGHT, 1, "too many requests in flight (--max-inflight "
            + settings.maxInflight() + "), please try again later");
      }
      permit = new CountedPermit(inflight);
    }
    if (bucket == null) {
      return new LoadDecision.Admit(permit, Duration.ZERO);
    }
    long wait = bucket.reserve(settings.maxQueueWait().toNanos());
    if (wait < 0) {
      permit.release();
      int retryAfter = (int) Math.max(1, Math.ceil(-wait / 1e9));
      return new LoadDecision.Reject(QPS, retryAfter, "client-side rate limit reached (--qps "
          + fmt(bucket.qps()) + " --burst " + bucket.burst() + "), please try again later");
    }
    return new LoadDecision.Admit(permit, Duration.ofNanos(wait));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static final class CountedPermit implements LoadDecision.Permit {
    private final AtomicInteger counter;
    private final AtomicBoolean released = new AtomicBoolean();

    CountedPermit(AtomicInteger counter) {
      this.counter = counter;
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        counter.decrementAndGet();
      }
    }
  }
}
