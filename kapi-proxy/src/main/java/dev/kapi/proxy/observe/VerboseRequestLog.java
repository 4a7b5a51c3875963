package dev.kapi.proxy.observe;

/**
 * {@code kapi proxy -v}: lines for a person reading stderr, as {@code kubectl proxy -v=6} logs each round trip. One
 * per finished request, with method, path (secret-looking query values redacted, as in the access log), status (0:
 * none sent), time, and for anything but a plain request its kind, what rejected it or what cut it short; a watch,
 * a followed log or a tunnel, which may last for hours, also gets a line when its response starts:
 * <pre>
 * GET /api/v1/namespaces/demo/configmaps 200 in 4.1 ms
 * POST /api/v1/namespaces/demo/pods/p/exec 403 in 0.9 ms, upgrade, rejected by filter:reject-paths
 * GET /api/v1/pods?watch=1 200 after 3.2 ms, stream started
 * GET /api/v1/pods?watch=1 200 in 61002.5 ms, stream, aborted: client closed the connection
 * </pre>
 * Made from {@link ObservedExchange}, as {@link AccessLog}'s line is, so no header and no credential can reach it.
 */
public final class VerboseRequestLog implements ExchangeObserver {

  private final LineSink sink;

  public VerboseRequestLog(LineSink sink) {
    this.sink = sink;
  }

  @Override
  public void responseStarted(ObservedExchange e) {
    int status = e.status();
    if (e.kind() != ExchangeKind.UNARY && (status == 101 || status / 100 == 2)) {
      sink.accept(head(e).append(" after ").append(millis(e.timeToFirstByte().orElseThrow().toNanos()))
          .append(" ms, ").append(e.kind().label()).append(" started").toString());
    }
  }

  @Override
  public void finished(ObservedExchange e) {
    sink.accept(format(e));
  }

  /** The line that stands for {@code n} lines the writer had to drop. */
  public static String droppedNotice(long n) {
    return "kapi proxy: " + n + " request lines dropped: stderr did not keep up";
  }

  /** The line for a finished exchange, without the trailing newline. */
  public static String format(ObservedExchange e) {
    StringBuilder b = head(e).append(" in ").append(millis(e.duration().toNanos())).append(" ms");
    if (e.kind() != ExchangeKind.UNARY) {
      b.append(", ").append(e.kind().label());
    }
    e.rejection().ifPresent(r -> b.append(", rejected by ").append(r.by()).append(':').append(r.rule()));
    if (!e.abortCause().isEmpty()) {
      b.append(", aborted: ").append(e.abortCause());
    }
    return b.toString();
  }

  private static StringBuilder head(ObservedExchange e) {
    StringBuilder b = new StringBuilder(128);
    if (!e.method().isEmpty()) { // nothing read (a 408, the --max-connections 503): the line starts with the status
      b.append(e.method()).append(' ').append(e.path().isEmpty() ? "-" : e.path()).append(' ');
    }
    return b.append(e.status());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 100_000.0) / 10.0;
  }
}
