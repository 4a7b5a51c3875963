package dev.kapi.proxy.observe;

import java.util.Objects;
import java.util.function.Function;

/**
 * A log of one line per finished exchange in a given format ({@link AccessLog}'s JSON for {@code --access-log}).
 * The format sees only {@link ObservedExchange}, which holds no credential.
 *
 * @param sink   where the lines go (an {@link AsyncLineWriter}, so the event loop never waits on the stream)
 * @param format the line for an exchange, without its newline
 */
public record LineLog(LineSink sink, Function<ObservedExchange, String> format) implements ExchangeObserver {

  public LineLog {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(format, "format");
  }

  @Override
  public void finished(ObservedExchange e) {
    sink.accept(format.apply(e));
  }
}
