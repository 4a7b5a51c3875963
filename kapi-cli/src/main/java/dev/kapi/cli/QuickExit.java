package dev.kapi.cli;

/**
 * Ends the JVM without Java 17's exit wait. At exit the JVM waits up to 300 ms for threads sitting in native code
 * ({@code VM_Exit::wait_for_threads_in_native_to_block}), and {@code java.net.http}'s selector thread always is,
 * in {@code epoll_wait}: every command that talked to the API server took 0.3 s longer than its work. Java 17's
 * HttpClient has no close(); an interrupt is what makes its selector loop end, so a command that is done interrupts
 * those threads first. Only for the CLI's own exit: a library must not touch threads it did not start.
 */
final class QuickExit {

  private static final String SELECTOR_SUFFIX = "-SelectorManager";

  private QuickExit() {
  }

  static void exit(int code) {
    System.out.flush();
    System.err.flush();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith(SELECTOR_SUFFIX)) {
        t.interrupt();
        try {
          t.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    System.exit(code);
  }
}
