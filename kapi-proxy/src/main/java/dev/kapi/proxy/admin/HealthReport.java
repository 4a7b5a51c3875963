package dev.kapi.proxy.admin;

import java.util.List;

/**
 * The result of one health endpoint, rendered as kube-apiserver renders {@code /readyz?verbose}:
 * {@code [+]name ok} or {@code [-]name failed: reason} per check, then {@code readyz check passed} or
 * {@code readyz check failed}. A passing endpoint answers just {@code ok} unless asked for {@code ?verbose},
 * like the API server; a failing one always lists its checks, so the failing one is named.
 */
public record HealthReport(String endpoint, List<Result> results) {

  /** One check's outcome; {@code reason} is "" when it passed. */
  public record Result(String name, boolean ok, String reason) {
  }

  public HealthReport {
    results = List.copyOf(results);
  }

  public boolean ok() {
    return results.stream().allMatch(Result::ok);
  }

  public int httpStatus() {
    return ok() ? 200 : 503;
  }

  public String body(boolean verbose) {
    if (ok() && !verbose) {
      return "ok";
    }
    StringBuilder b = new StringBuilder();
    for (Result r : results) {
      b.append(r.ok() ? "[+]" + r.name() + " ok" : "[-]" + r.name() + " failed: " + r.reason()).append('\n');
    }
    return b.append(endpoint).append(ok() ? " check passed" : " check failed").append('\n').toString();
  }
}
