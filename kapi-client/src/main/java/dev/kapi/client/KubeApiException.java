package dev.kapi.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The API server answered with an error {@link KubeStatus}. Catch a subclass for the common cases
 * ({@link NotFound}, {@link Conflict}, {@link Gone}, ...) or use the predicates, which, like client-go's
 * {@code errors.IsNotFound}, look at the reason first and fall back to the HTTP code, so a {@code text/plain}
 * body still classifies correctly.
 */
public class KubeApiException extends KubeException {

  private final KubeStatus status;
  private final Optional<Duration> retryAfter;

  public KubeApiException(KubeStatus status, Optional<Duration> retryAfter) {
    super(describe(status));
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** The same status with a message of our own (e.g. a hint on what to do instead). */
  protected KubeApiException(KubeStatus status, Optional<Duration> retryAfter, String message) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public KubeStatus status() {
    return status;
  }

  public int code() {
    return status.code();
  }

  public String reason() {
    return status.reason();
  }

  /** {@code Retry-After} (or the Status' {@code retryAfterSeconds}) when the server sent one. */
  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  public boolean isNotFound() {
    return is("NotFound", 404);
  }

  public boolean isAlreadyExists() {
    return "AlreadyExists".equals(reason());
  }

  public boolean isConflict() {
    return is("Conflict", 409);
  }

  public boolean isForbidden() {
    return is("Forbidden", 403);
  }

  public boolean isUnauthorized() {
    return is("Unauthorized", 401);
  }

  /** 410: an expired resourceVersion or continue token ({@code Expired} since 1.18, {@code Gone} before). */
  public boolean isGone() {
    return "Expired".equals(reason()) || "Gone".equals(reason()) || code() == 410;
  }

  public boolean isInvalid() {
    return is("Invalid", 422);
  }

  public boolean isTooManyRequests() {
    return "TooManyRequests".equals(reason()) || code() == 429;
  }

  public boolean isServerTimeout() {
    return "ServerTimeout".equals(reason()) || "Timeout".equals(reason()) || code() == 504;
  }

  public boolean isUnsupportedMediaType() {
    return "UnsupportedMediaType".equals(reason()) || code() == 415;
  }

  private boolean is(String reason, int code) {
    return reason.equals(reason()) || (!Reasons.KNOWN.contains(reason()) && code() == code);
  }

  static String describe(KubeStatus s) {
    String why = s.reason().isEmpty() ? "HTTP " + s.code() : s.reason();
    return s.message().isEmpty() ? why : s.message() + " (" + why + ")";
  }

  private static final class Reasons {
    // metav1.StatusReason values: a known reason wins over the HTTP code
    static final List<String> KNOWN = List.of("Unauthorized", "Forbidden", "NotFound", "AlreadyExists", "Conflict", "Gone",
        "Invalid", "ServerTimeout", "StoreReadError", "Timeout", "TooManyRequests", "BadRequest", "MethodNotAllowed",
        "NotAcceptable", "RequestEntityTooLarge", "UnsupportedMediaType", "InternalError", "Expired", "ServiceUnavailable");
  }

  /** 404. */
  public static final class NotFound extends KubeApiException {
    public NotFound(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 409 on create: the name is taken. */
  public static final class AlreadyExists extends KubeApiException {
    public AlreadyExists(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /**
   * 409: a stale resourceVersion on update ("the object has been modified"), or server-side apply fields owned
   * by another manager (then {@link #conflicts()} lists them; apply with force to take them over).
   */
  public static final class Conflict extends KubeApiException {
    public Conflict(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }

    public List<KubeStatus.Cause> conflicts() {
      return status().details().causes();
    }
  }

  /** 403: authenticated, but RBAC (or admission) says no. */
  public static final class Forbidden extends KubeApiException {
    public Forbidden(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 401: the credentials were not accepted (after one refresh-and-retry when the credentials could refresh). */
  public static final class Unauthorized extends KubeApiException {
    public Unauthorized(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 410 {@code Expired}/{@code Gone}: a resourceVersion or continue token too old; list again. */
  public static final class Gone extends KubeApiException {
    public Gone(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 422: the object failed validation; {@link #causes()} names each field. */
  public static final class Invalid extends KubeApiException {
    public Invalid(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }

    public List<KubeStatus.Cause> causes() {
      return status().details().causes();
    }
  }

  /** 429: API priority and fairness (plain text), or an eviction blocked by a PodDisruptionBudget. */
  public static final class TooManyRequests extends KubeApiException {
    public TooManyRequests(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 500 {@code ServerTimeout} or 504 {@code Timeout}: the server gave up; it may say when to retry. */
  public static final class ServerTimeout extends KubeApiException {
    public ServerTimeout(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }
  }

  /** 415: the server does not accept this body type (strategic merge patch on a custom resource, for one). */
  public static final class UnsupportedMediaType extends KubeApiException {
    public UnsupportedMediaType(KubeStatus s, Optional<Duration> retryAfter) {
      super(s, retryAfter);
    }

    public UnsupportedMediaType(KubeStatus s, Optional<Duration> retryAfter, String message) {
      super(s, retryAfter, message);
    }
  }
}
