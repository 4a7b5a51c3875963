package dev.kapi.proxy.observe;

/**
 * {@code kapi proxy -v}'s line (written by a {@link LineLog}): one per finished request, for a person reading
 * stderr, as {@code kubectl proxy -v=6} logs each round trip. Method, path (secret-looking query values redacted, as in the access log), status (0: none
 * sent), time, and for anything but a plain request its kind, what rejected it or what cut it short:
 * <pre>
 * GET /api/v1/namespaces/demo/configmaps 200 in 4.1 ms
 * POST /api/v1/namespaces/demo/pods/p/exec 403 in 0.9 ms, upgrade, rejected by filter:reject-paths
 * GET /api/v1/pods?watch=1 200 in 61002.5 ms, stream, aborted: client closed the connection
 * </pre>
 * Made from {@link ObservedExchange}, as {@link AccessLog}'s is, so no header and no credential can reach it.
 */
public final class VerboseRequestLog {

  private VerboseRequestLog() {
  }

  /** The line that stands for {@code n} lines the writer had to drop. */
  public static String droppedNotice(long n) {
    return "kapi proxy: " + n + " request lines dropped: stderr did not keep up";
  }

  /** The line for {@code e}, without the trailing newline. */
  public static String format(ObservedExchange e) {
    StringBuilder b = new StringBuilder(128).append(e.method()).append(' ').append(e.path()).append(' ')
        .append(e.status()).append(" in ").append(Math.round(e.duration().toNanos() / 100_000.0) / 10.0).append(" ms");
    if (e.kind() != ExchangeKind.UNARY) {
      b.append(", ").append(e.kind().label());
    }
    e.rejection().ifPresent(r -> b.append(", rejected by ").append(r.by()).append(':').append(r.rule()));
    if (!e.abortCause().isEmpty()) {
      b.append(", aborted: ").append(e.abortCause());
    }
    return b.toString();
  }
}
