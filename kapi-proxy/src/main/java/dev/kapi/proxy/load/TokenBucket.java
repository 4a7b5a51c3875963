package dev.kapi.proxy.load;

import java.util.function.LongSupplier;

/**
 * client-go's client-side rate limiter ({@code flowcontrol.NewTokenBucketRateLimiter}, i.e. x/time/rate): a
 * bucket of {@code burst} tokens, refilled at {@code qps} per second, starting full. A request reserves a token;
 * when the bucket is empty the reservation is in the future and says how long to wait. client-go then blocks;
 * a proxy must not block an event loop, so callers schedule the request after the wait instead, or give the
 * token back and refuse when the wait is too long ({@link #reserve(long)} does the bookkeeping for both).
 */
public final class TokenBucket {

  private final double qps;
  private final int burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public TokenBucket(double qps, int burst, LongSupplier nanoTime) {
    if (!(qps > 0) || burst < 1) {
      throw new IllegalArgumentException("qps must be > 0 and burst >= 1, got qps " + qps + ", burst " + burst);
    }
    this.qps = qps;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes a token if one is free now or within {@code maxWaitNanos}. Returns the wait in nanoseconds (0: go
   * now), or a negative number {@code -w} when the wait {@code w} would exceed the bound; then nothing was taken.
   */
  public synchronized long reserve(long maxWaitNanos) {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
    last = now;
    double after = tokens - 1;
    long wait = after >= 0 ? 0 : (long) Math.ceil(-after * 1e9 / qps);
    if (wait > maxWaitNanos) {
      return -Math.max(wait, 1);
    }
    tokens = after;
    return wait;
  }

  public double qps() {
    return qps;
  }

  public int burst() {
    return burst;
  }
}
