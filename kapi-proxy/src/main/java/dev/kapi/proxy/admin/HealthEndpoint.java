package dev.kapi.proxy.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs a list of checks concurrently, each bounded by a timeout, and collects a {@link HealthReport}. Checks
 * named in {@code exclude} are skipped, as with the API server's {@code ?exclude=}.
 */
public final class HealthEndpoint {

  private final String name;
  private final List<HealthCheck> checks;
  private final Duration timeout;

  public HealthEndpoint(String name, List<HealthCheck> checks, Duration timeout) {
    this.name = name;
    this.checks = List.copyOf(checks);
    this.timeout = timeout;
  }

  public String name() {
    return name;
  }

  public List<String> checkNames() {
    return checks.stream().map(HealthCheck::name).toList();
  }

  public CompletableFuture<HealthReport> run(Set<String> exclude) {
    List<HealthCheck> selected = checks.stream().filter(c -> !exclude.contains(c.name())).toList();
    List<CompletableFuture<HealthReport.Result>> running = new ArrayList<>();
    for (HealthCheck c : selected) {
      CompletableFuture<Void> f;
      try {
        f = c.check().toCompletableFuture();
      } catch (RuntimeException thrown) {
        f = CompletableFuture.failedFuture(thrown);
      }
      running.add(f.copy().orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
          .handle((ok, err) -> err == null
              ? new HealthReport.Result(c.name(), true, "")
              : new HealthReport.Result(c.name(), false, reason(err))));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .thenApply(done -> new HealthReport(name, running.stream().map(CompletableFuture::join).toList()));
  }

  private String reason(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
