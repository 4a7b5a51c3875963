package dev.kapi.cli;

import dev.kapi.proxy.ProxyServer;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT drive the proxy's graceful shutdown; a second signal closes at once. A signal handler rather
 * than a shutdown hook: the JVM's own SIGTERM handling runs the hooks and then exits 143, while the kubelet (and
 * anyone reading the exit status) should see a clean shutdown as 0. With the handler, {@code main} returns
 * normally once the server has closed.
 */
final class GracefulSignals {

  private final AtomicReference<CompletableFuture<GracefulShutdown.Summary>> shutdown = new AtomicReference<>();

  private GracefulSignals() {
  }

  static GracefulSignals install(ProxyServer server, String grace) {
    GracefulSignals s = new GracefulSignals();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        handle(name, server, grace, s);
      } catch (IllegalArgumentException taken) {
        // -Xrs or an embedding JVM owns the signal: the shutdown hook still closes the server, without the drain
        System.err.println("kapi proxy: cannot handle SIG" + name + " (" + taken.getMessage() + "): no graceful drain");
      }
    }
    return s;
  }

  private static void handle(String name, ProxyServer server, String grace, GracefulSignals s) {
    Signal.handle(new Signal(name), signal -> {
      if (s.shutdown.get() != null) {
        System.err.println("kapi proxy: SIG" + signal.getName() + " again: closing now");
        server.close();
        return;
      }
      System.err.println("kapi proxy: SIG" + signal.getName() + ": draining connections (up to " + grace + ")");
      s.shutdown.compareAndSet(null, server.shutdownGracefully());
    });
  }

  /** The shutdown a signal started, if one did. */
  Optional<CompletableFuture<GracefulShutdown.Summary>> started() {
    return Optional.ofNullable(shutdown.get());
  }
}
