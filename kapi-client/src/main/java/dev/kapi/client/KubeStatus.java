package dev.kapi.client;

import java.util.List;
import java.util.Optional;

/**
 * A {@code meta/v1 Status}: what the API server says when a request fails (and for some successful deletes).
 * Bodies that are not a Status (priority and fairness answers 429 in {@code text/plain}) become one with the
 * HTTP code, reason from the code, and the text as message.
 *
 * @param status  {@code Success} or {@code Failure}
 * @param message a human-readable description
 * @param reason  machine-readable reason ({@code NotFound}, {@code Conflict}, {@code Expired}, ...), "" if none
 * @param code    the HTTP status code it was sent with
 * @param details name, group, kind, causes and retry hint, if the server gave them
 */
public record KubeStatus(String status, String message, String reason, int code, Details details) {

  public KubeStatus {
    status = status == null ? "" : status;
    message = message == null ? "" : message;
    reason = reason == null ? "" : reason;
    details = details == null ? Details.NONE : details;
  }

  /**
   * @param retryAfterSeconds the server's suggested wait (also sent as {@code Retry-After}); 0 when absent
   */
  public record Details(String name, String group, String kind, List<Cause> causes, int retryAfterSeconds) {
    static final Details NONE = new Details("", "", "", List.of(), 0);

    public Details {
      name = name == null ? "" : name;
      group = group == null ? "" : group;
      kind = kind == null ? "" : kind;
      causes = causes == null ? List.of() : List.copyOf(causes);
    }
  }

  /** One problem with one field ({@code Invalid}) or one conflicting field manager (server-side apply). */
  public record Cause(String reason, String message, String field) {
    public Cause {
      reason = reason == null ? "" : reason;
      message = message == null ? "" : message;
      field = field == null ? "" : field;
    }
  }

  /** The server's retry hint from the Status, if any. */
  public Optional<Integer> retryAfterSeconds() {
    return details.retryAfterSeconds() > 0 ? Optional.of(details.retryAfterSeconds()) : Optional.empty();
  }
}
