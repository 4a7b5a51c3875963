package dev.kapi.proxy.observe;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans each event out to several observers; an observer's exception is logged and never reaches the proxy. */
final class CompositeObserver implements ExchangeObserver {

  static final CompositeObserver EMPTY = new CompositeObserver(List.of());
  private static final Logger LOG = LoggerFactory.getLogger(CompositeObserver.class);

  private final List<ExchangeObserver> observers;

  CompositeObserver(List<ExchangeObserver> observers) {
    this.observers = observers;
  }

  @Override
  public void started(ObservedExchange exchange) {
    each(o -> o.started(exchange));
  }

  @Override
  public void responseStarted(ObservedExchange exchange) {
    each(o -> o.responseStarted(exchange));
  }

  @Override
  public void transferred(ObservedExchange exchange, long fromClient, long toClient) {
    for (ExchangeObserver o : observers) {
      try {
        o.transferred(exchange, fromClient, toClient);
      } catch (RuntimeException e) {
        LOG.warn("exchange observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
      }
    }
  }

  @Override
  public void finished(ObservedExchange exchange) {
    each(o -> o.finished(exchange));
  }

  private void each(Consumer<ExchangeObserver> event) {
    for (ExchangeObserver o : observers) {
      try {
        event.accept(o);
      } catch (RuntimeException e) {
        // Observing must never break proxying; say so and carry on.
        LOG.warn("exchange observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
