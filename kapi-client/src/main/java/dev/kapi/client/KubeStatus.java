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
 * @param listContinue {@code metadata.continue}: on a 410 for an expired {@code continue} token, the token with
 *                which the rest of the list can still be read, inconsistently (objects changed since the first page
 *                may show up); "" if none
 */
public record KubeStatus(String status, String message, String reason, int code, Details details, String listContinue) {

  public KubeStatus {
    status = status == null ? "" : status;
    message = message == null ? "" : message;
    reason = reason == null ? "" : reason;
    details = details == null ? Details.NONE : details;
    listContinue = listContinue == null ? "" : listContinue;
  }

  public KubeStatus(String status, String message, String reason, int code, Details details) {
    this(status, message, reason, code, details, "");
  }

  /**
   * After an expired {@code continue} (410 {@code Expired}): the server's token for reading the rest of the list
   * anyway, without the consistency of one snapshot ({@code ListOptions.withContinue}); empty otherwise. The
   * alternative is a new list from the start.
   */
  public Optional<String> inconsistentContinue() {
    return listContinue.isEmpty() ? Optional.empty() : Optional.of(listContinue);
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
