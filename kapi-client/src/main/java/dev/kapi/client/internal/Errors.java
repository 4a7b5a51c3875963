package dev.kapi.client.internal;

import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeStatus;
import java.time.Duration;
import java.util.Optional;

/** One place that picks the exception type for a Status: reason first, then the HTTP code (as client-go). */
public final class Errors {

  private Errors() {
  }

  public static KubeApiException of(KubeStatus s, Optional<Duration> retryAfterHeader) {
    Optional<Duration> retryAfter = retryAfterHeader.isPresent() ? retryAfterHeader
        : s.retryAfterSeconds().map(Duration::ofSeconds);
    KubeApiException probe = new KubeApiException(s, retryAfter);
    if (probe.isAlreadyExists()) {
      return new KubeApiException.AlreadyExists(s, retryAfter);
    }
    if (probe.isNotFound()) {
      return new KubeApiException.NotFound(s, retryAfter);
    }
    if (probe.isConflict()) {
      return new KubeApiException.Conflict(s, retryAfter);
    }
    if (probe.isForbidden()) {
      return new KubeApiException.Forbidden(s, retryAfter);
    }
    if (probe.isUnauthorized()) {
      return new KubeApiException.Unauthorized(s, retryAfter);
    }
    if (probe.isGone()) {
      return new KubeApiException.Gone(s, retryAfter);
    }
    if (probe.isInvalid()) {
      return new KubeApiException.Invalid(s, retryAfter);
    }
    if (probe.isTooManyRequests()) {
      return new KubeApiException.TooManyRequests(s, retryAfter);
    }
    if (probe.isServerTimeout()) {
      return new KubeApiException.ServerTimeout(s, retryAfter);
    }
    if (probe.isUnsupportedMediaType()) {
      return new KubeApiException.UnsupportedMediaType(s, retryAfter);
    }
    return probe;
  }

  /** {@code Retry-After} in seconds (the API server never sends the HTTP-date form). */
  public static Optional<Duration> retryAfter(Optional<String> header) {
    return header.map(String::strip).filter(v -> v.matches("\\d{1,6}")).map(v -> Duration.ofSeconds(Long.parseLong(v)));
  }
}
