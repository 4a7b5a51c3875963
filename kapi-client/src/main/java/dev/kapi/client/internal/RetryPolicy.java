package dev.kapi.client.internal;

import dev.kapi.client.KubeRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * When to send a request again, as client-go's {@code with_retry.go}: only where the server says so (429 or
 * 5xx with a {@code Retry-After} no longer than {@code maxRetryAfter}) or, for idempotent requests only, where no
 * byte of an answer came back: a connect failure, or a kept-alive connection the server had closed (Go's transport
 * retries that case too; a POST is never retried on it, since the server may have acted). At most
 * {@code maxRetries} times.
 *
 * @param maxRetries     retries after the first attempt
 * @param maxRetryAfter  a longer server-requested wait is not waited out: the error goes to the caller
 * @param connectBackoff first wait after a connect failure, doubled each time
 */
public record RetryPolicy(int maxRetries, Duration maxRetryAfter, Duration connectBackoff) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMillis(200));
  public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO);

  /** The wait before retrying an answer with this code and Retry-After, or empty to give up. */
  public Optional<Duration> afterResponse(int code, Optional<Duration> retryAfter, int retriesSoFar) {
    if (retriesSoFar >= maxRetries || !(code == 429 || code >= 500) || retryAfter.isEmpty()) {
      return Optional.empty();
    }
    return retryAfter.get().compareTo(maxRetryAfter) <= 0 ? retryAfter : Optional.empty();
  }

  /** The wait before retrying after this transport failure, or empty to give up. */
  public Optional<Duration> afterFailure(KubeRequest request, IOException e, int retriesSoFar) {
    if (retriesSoFar >= maxRetries || !request.idempotent() || !isConnectFailure(e)) {
      return Optional.empty();
    }
    return Optional.of(connectBackoff.multipliedBy(1L << retriesSoFar));
  }

  /** Failures with no byte of a response: nothing to lose by sending an idempotent request again. */
  static boolean isConnectFailure(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return true;
    }
    if (e instanceof HttpTimeoutException) {
      return false; // the server may be working on it
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && m.contains("GOAWAY received")) {
        return true; // HTTP/2 before JDK 23 fails streams the server would have answered
      }
      if (m != null && m.contains("header parser received no bytes")) {
        return true; // a pooled HTTP/1.1 connection closed under us before any response byte
      }
    }
    return false;
  }
}
