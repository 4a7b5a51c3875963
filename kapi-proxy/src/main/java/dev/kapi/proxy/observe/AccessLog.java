package dev.kapi.proxy.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The access log's line ({@code --access-log}, written by a {@link LineLog}): one JSON object per finished request.
 * The fields are fixed, so log pipelines can rely on them: {@code time} (request start, RFC 3339 UTC),
 * {@code verb}, {@code method}, {@code path} (secret-looking query values redacted), {@code group},
 * {@code resource}, {@code subresource}, {@code namespace}, {@code name}, {@code status} (0: none sent),
 * {@code bytesIn}, {@code bytesOut}, {@code firstByteMs}, {@code durationMs}, {@code userAgent}, {@code auditId}
 * (the API server's, to join with its audit log), {@code kind}, {@code outcome}, and
 * {@code rejectedBy}/{@code abortCause} when they apply.
 *
 * <p>It is built only from {@link Exchange}, which holds no header but the user agent and the audit id, so no
 * credential can reach the log.
 */
public final class AccessLog {

  private static final JsonFactory JSON = new JsonFactory();

  private AccessLog() {
  }

  /** The log line for {@code e}, without the trailing newline. */
  public static String format(ObservedExchange e) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      var info = e.info();
      g.writeStartObject();
      g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(e.startTime().truncatedTo(ChronoUnit.MILLIS)));
      g.writeStringField("verb", info.verb());
      g.writeStringField("method", e.method());
      g.writeStringField("path", e.path());
      g.writeStringField("group", info.apiGroup());
      g.writeStringField("resource", info.resource());
      g.writeStringField("subresource", info.subresource());
      g.writeStringField("namespace", info.namespace());
      g.writeStringField("name", info.name());
      g.writeNumberField("status", e.status());
      g.writeNumberField("bytesIn", e.bytesFromClient());
      g.writeNumberField("bytesOut", e.bytesToClient());
      if (e.timeToFirstByte().isPresent()) {
        g.writeNumberField("firstByteMs", millis(e.timeToFirstByte().get().toNanos()));
      } else {
        g.writeNullField("firstByteMs");
      }
      g.writeNumberField("durationMs", millis(e.duration().toNanos()));
      g.writeStringField("userAgent", e.userAgent());
      g.writeStringField("auditId", e.auditId());
      g.writeStringField("kind", e.kind().label());
      g.writeStringField("outcome", e.outcome() == null ? "running" : e.outcome().label());
      if (e.rejection().isPresent()) {
        g.writeStringField("rejectedBy", e.rejection().get().by() + ":" + e.rejection().get().rule());
      }
      if (!e.abortCause().isEmpty()) {
        g.writeStringField("abortCause", e.abortCause());
      }
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible); // a StringWriter does not fail
    }
    return w.toString();
  }

  /** The line that stands for {@code n} lines the writer had to drop. */
  public static String droppedNotice(long n) {
    return "{\"accessLogDropped\":" + n + "}";
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0; // microsecond precision is plenty
  }
}
