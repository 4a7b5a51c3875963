package dev.kapi.proxy.observe;

import java.util.List;

/**
 * Watches exchanges go by: metrics, the access log. Observers see what happened; they never steer an exchange,
 * and a failing observer must not break one (the {@link #composite} isolates them). Calls for one exchange come
 * from that exchange's event loop, in order: {@code started}, {@code transferred}*, {@code responseStarted} (at
 * most once), {@code transferred}*, {@code finished} (exactly once). Implementations are thread-safe across
 * exchanges and must not block.
 */
public interface ExchangeObserver {

  /** The request was parsed, canonicalised and classified; nothing has been decided yet. */
  default void started(ObservedExchange exchange) {
  }

  /** The response head went to the client ({@link Exchange#status()} is set). */
  default void responseStarted(ObservedExchange exchange) {
  }

  /** Bytes moved: {@code fromClient} request body (or tunnel) bytes, {@code toClient} response body bytes. */
  default void transferred(ObservedExchange exchange, long fromClient, long toClient) {
  }

  /** The exchange is over ({@link Exchange#outcome()} is set). */
  default void finished(ObservedExchange exchange) {
  }

  /** Observes nothing. */
  static ExchangeObserver none() {
    return CompositeObserver.EMPTY;
  }

  /** All of {@code observers}, in order; one that throws is reported once and does not stop the others. */
  static ExchangeObserver composite(List<? extends ExchangeObserver> observers) {
    return new CompositeObserver(List.copyOf(observers));
  }
}
