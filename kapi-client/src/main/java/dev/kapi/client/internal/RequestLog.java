package dev.kapi.client.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Request logging for {@code -v}: one line per exchange, and the headers when asked, with credentials
 * redacted. Never prints a token: Authorization keeps only its scheme.
 */
public final class RequestLog {

  private final Consumer<String> sink;
  private final boolean headers;

  public RequestLog(Consumer<String> sink, boolean headers) {
    this.sink = sink;
    this.headers = headers;
  }

  public static RequestLog none() {
    return new RequestLog(null, false);
  }

  public boolean enabled() {
    return sink != null;
  }

  public void request(String method, URI uri, Map<String, List<String>> hs) {
    if (sink == null || !headers) {
      return;
    }
    sink.accept(method + " " + redact(uri));
    hs.forEach((k, vs) -> vs.forEach(v -> sink.accept("  > " + k + ": " + redactHeader(k, v))));
  }

  public void response(String method, URI uri, int code, long millis, Map<String, List<String>> hs) {
    if (sink == null) {
      return;
    }
    sink.accept(method + " " + redact(uri) + " " + code + " in " + millis + " ms");
    if (headers) {
      hs.forEach((k, vs) -> vs.forEach(v -> sink.accept("  < " + k + ": " + v)));
    }
  }

  public void failure(String method, URI uri, String what, long millis) {
    if (sink != null) {
      sink.accept(method + " " + redact(uri) + " failed in " + millis + " ms: " + what);
    }
  }

  public void note(String line) {
    if (sink != null) {
      sink.accept(line);
    }
  }

  static String redactHeader(String name, String value) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("authorization") || n.equals("proxy-authorization")) {
      int sp = value.indexOf(' ');
      return (sp > 0 ? value.substring(0, sp) + " " : "") + "<redacted>";
    }
    if (n.equals("cookie") || n.equals("sec-websocket-protocol")) {
      return "<redacted>";
    }
    return value;
  }

  static String redact(URI uri) {
    return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "<redacted>");
  }
}
