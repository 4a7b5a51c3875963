package dev.kapi.proxy.load;

import java.time.Duration;

/** What {@link LoadProtection} says about one request. */
public sealed interface LoadDecision {

  /**
   * Forward the request, after {@code delay} (zero: now). The caller must {@link Permit#release() release} the
   * permit when the exchange ends, however it ends.
   */
  record Admit(Permit permit, Duration delay) implements LoadDecision {
  }

  /**
   * Answer {@code 429 TooManyRequests} with {@code Retry-After: retryAfterSeconds} and {@code message} in the Status.
   *
   * @param limit which limit said no: {@code max-inflight} or {@code qps}
   */
  record Reject(String limit, int retryAfterSeconds, String message) implements LoadDecision {
  }

  /** A place in the in-flight count, given back once. */
  interface Permit {
    Permit NONE = () -> {
    };

    void release();
  }
}
