package dev.kapi.proxy.observe;

import java.time.Instant;

/** Monotonic time for durations and wall time for logs; replaceable in tests. */
public interface ExchangeClock {

  ExchangeClock SYSTEM = new ExchangeClock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant now() {
      return Instant.now();
    }
  };

  long nanoTime();

  Instant now();
}
