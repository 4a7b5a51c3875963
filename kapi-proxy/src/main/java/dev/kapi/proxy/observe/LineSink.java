package dev.kapi.proxy.observe;

import java.io.PrintStream;
import java.util.function.LongFunction;

/** Where log lines go. Implementations must not block the caller (an event loop) for long. */
@FunctionalInterface
public interface LineSink {

  /** Takes one line, without its newline. */
  void accept(String line);

  /**
   * A sink writing on a background thread to {@code out}; lines it had to drop are counted in a line made by
   * {@code droppedNotice} (the access log's is JSON, {@code -v}'s is text).
   */
  static AsyncLineWriter async(PrintStream out, String threadName, LongFunction<String> droppedNotice) {
    return new AsyncLineWriter(out, threadName, AsyncLineWriter.DEFAULT_CAPACITY, droppedNotice);
  }
}
