package dev.kapi.proxy.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One named check behind {@code /livez} or {@code /readyz}, in the API server's style: it passes by completing
 * normally and fails by completing exceptionally, the exception's message saying why in one line (it is shown
 * in the response body, so it must never contain a secret).
 */
public interface HealthCheck {

  /** Short, stable, lower-case: {@code token}, {@code ca}, {@code api-server}, {@code event-loops}. */
  String name();

  CompletionStage<Void> check();

  /** A check that runs {@code body} on the caller's thread; a thrown exception is the failure. */
  static HealthCheck of(String name, Runnable body) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Void> check() {
        try {
          body.run();
          return CompletableFuture.completedFuture(null);
        } catch (RuntimeException failed) {
          return CompletableFuture.failedFuture(failed);
        }
      }
    };
  }
}
