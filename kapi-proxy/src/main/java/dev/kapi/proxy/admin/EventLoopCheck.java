package dev.kapi.proxy.admin;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code event-loops}: every event loop of the proxy runs a no-op task within a short time. A loop stuck in a
 * blocking call or a busy spin serves none of its connections; that is what liveness should catch. The check
 * itself never blocks: it runs on the admin server's own loop and just awaits the tasks' futures.
 */
public final class EventLoopCheck implements HealthCheck {

  private final EventExecutorGroup loops;
  private final Duration timeout;

  public EventLoopCheck(EventExecutorGroup loops, Duration timeout) {
    this.loops = loops;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "event-loops";
  }

  @Override
  public CompletionStage<Void> check() {
    List<CompletableFuture<Void>> pings = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int i = 0;
    for (EventExecutor loop : loops) {
      String name = "event loop " + i++;
      names.add(name);
      CompletableFuture<Void> ran = new CompletableFuture<>();
      try {
        loop.execute(() -> ran.complete(null));
      } catch (RejectedExecutionException shutDown) {
        ran.completeExceptionally(new IllegalStateException(name + " is shut down"));
      }
      pings.add(ran);
    }
    if (pings.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException("no event loops"));
    }
    return CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(err -> {
          List<String> stuck = new ArrayList<>();
          for (int j = 0; j < pings.size(); j++) {
            if (!pings.get(j).isDone() || pings.get(j).isCompletedExceptionally()) {
              stuck.add(names.get(j));
            }
          }
          String why = unwrap(err) instanceof TimeoutException
              ? String.join(", ", stuck) + " did not run a task within " + timeout.toMillis() + " ms"
              : unwrap(err).getMessage();
          return CompletableFuture.failedFuture(new IllegalStateException(why));
        });
  }

  private static Throwable unwrap(Throwable t) {
    return t.getCause() != null && t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
  }
}
