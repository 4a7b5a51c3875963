package dev.kapi.proxy.observe;

import java.io.PrintStream;

/** Where log lines go. Implementations must not block the caller (an event loop) for long. */
@FunctionalInterface
public interface LineSink {

  /** Takes one line, without its newline. */
  void accept(String line);

  /** A sink writing on a background thread to {@code out} (stdout for the access log). */
  static AsyncLineWriter async(PrintStream out, String threadName) {
    return new AsyncLineWriter(out, threadName, AsyncLineWriter.DEFAULT_CAPACITY);
  }
}
