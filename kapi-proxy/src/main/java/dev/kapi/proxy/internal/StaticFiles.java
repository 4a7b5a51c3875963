package dev.kapi.proxy.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code --www}: files under a directory, as Go's {@code http.FileServer} serves them for kubectl: GET and HEAD,
 * {@code index.html} for a directory else a listing, a redirect to add the trailing "/" to a directory, to drop it
 * from a file, and from {@code …/index.html} to its directory. The
 * path is already canonical (no "..", no encoded "/"), and the path resolved against the directory must still
 * name something inside it. Symbolic links in the directory are followed wherever they point, as Go's file server
 * follows them: what the directory links to is served on purpose.
 */
final class StaticFiles {

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("ico", "image/x-icon"), Map.entry("wasm", "application/wasm"),
      Map.entry("xml", "text/xml; charset=utf-8"), Map.entry("pdf", "application/pdf"),
      Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"));

  private final Path root;

  StaticFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The response parts: a head, then (for GET of a file) a file region and the last content. */
  List<Object> respond(ByteBufAllocator alloc, HttpRequest req, String relative, String prefix) {
    boolean head = HttpMethod.HEAD.equals(req.method());
    if (!head && !HttpMethod.GET.equals(req.method())) {
      FullHttpResponse no = StatusResponses.methodNotAllowed(alloc, "static files answer only GET and HEAD");
      no.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD"); // RFC 9110 §15.5.6: a 405 says what is allowed
      return List.of(no);
    }
    if (relative.equals("index.html") || relative.endsWith("/index.html")) {
      return List.of(redirect("./")); // Go's file server: one address per page, the directory's
    }
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root) || !Files.exists(p)) {
      return List.of(StatusResponses.notFound(alloc, "no static file " + prefix + relative));
    }
    try {
      if (Files.isDirectory(p)) {
        if (!relative.isEmpty() && !relative.endsWith("/")) {
          return List.of(redirect(prefix + RequestCanonicaliser.encodePath(relative) + "/"));
        }
        Path index = p.resolve("index.html");
        if (Files.isRegularFile(index)) {
          return file(req, index, head);
        }
        return List.of(listing(alloc, p, head));
      }
      if (relative.endsWith("/")) { // a file named as a directory: Go's file server redirects to the file
        String name = p.getFileName().toString();
        return List.of(redirect("../" + RequestCanonicaliser.encodePath(name)));
      }
      return file(req, p, head);
    } catch (IOException e) {
      return List.of(StatusResponses.status(alloc, 500, "InternalError", "cannot read static file " + prefix
          + relative + ": " + e.getMessage(), 0));
    }
  }

  /**
   * A file as Go's file server (kubectl's) answers it: 304 for an unchanged {@code If-Modified-Since}, 206 for one
   * byte range ({@code Range: bytes=a-b}, {@code a-}, {@code -n}), 416 for a range past the end, else 200. Several
   * ranges, or a range with {@code If-Range}, get the whole file, which RFC 9110 allows.
   */
  private static List<Object> file(HttpRequest req, Path p, boolean head) throws IOException {
    long size = Files.size(p);
    java.time.Instant modified = Files.getLastModifiedTime(p).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String lastModified = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(java.time.ZoneOffset.UTC));
    if (notModifiedSince(req.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE), modified)) {
      HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
      r.headers().set(HttpHeaderNames.LAST_MODIFIED, lastModified);
      return List.of(r, LastHttpContent.EMPTY_LAST_CONTENT);
    }
    long[] range = req.headers().contains(HttpHeaderNames.IF_RANGE) ? null
        : byteRange(req.headers().get(HttpHeaderNames.RANGE), size);
    if (range != null && range.length == 0) {
      HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
      r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).set(HttpHeaderNames.CONTENT_LENGTH, 0);
      return List.of(r, LastHttpContent.EMPTY_LAST_CONTENT);
    }
    long from = range == null ? 0 : range[0];
    long length = range == null ? size : range[1] - range[0] + 1;
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType(p)).set(HttpHeaderNames.CONTENT_LENGTH, length)
        .set(HttpHeaderNames.LAST_MODIFIED, lastModified).set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    if (range != null) {
      r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
    }
    if (head || length == 0) {
      return List.of(r, LastHttpContent.EMPTY_LAST_CONTENT);
    }
    return List.of(r, new DefaultFileRegion(p.toFile(), from, length), LastHttpContent.EMPTY_LAST_CONTENT);
  }

  private static boolean notModifiedSince(String ifModifiedSince, java.time.Instant modified) {
    if (ifModifiedSince == null) {
      return false;
    }
    try {
      java.time.Instant since = java.time.ZonedDateTime.parse(ifModifiedSince.strip(),
          java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return !modified.isAfter(since);
    } catch (java.time.format.DateTimeParseException e) {
      return false; // RFC 9110 §13.1.3: an invalid date is ignored
    }
  }

  /** {first, last} of one satisfiable range; {} for an unsatisfiable one; null for no (usable) Range header. */
  private static long[] byteRange(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return null;
    }
    String spec = header.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      if (dash == 0) { // the last n bytes
        long n = Long.parseLong(spec.substring(1));
        return n <= 0 || size == 0 ? new long[0] : new long[] {Math.max(0, size - n), size - 1};
      }
      long first = Long.parseLong(spec.substring(0, dash));
      long last = dash == spec.length() - 1 ? size - 1 : Math.min(size - 1, Long.parseLong(spec.substring(dash + 1)));
      if (first >= size) {
        return new long[0];
      }
      return last < first ? new long[0] : new long[] {first, last}; // bytes=3-1: 416, as Go's file server
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** 301 to {@code location}, as Go's file server and ServeMux answer. */
  static FullHttpResponse redirect(String location) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
    r.headers().set(HttpHeaderNames.LOCATION, location).set(HttpHeaderNames.CONTENT_LENGTH, 0);
    return r;
  }

  private static FullHttpResponse listing(ByteBufAllocator alloc, Path dir, boolean head) throws IOException {
    StringBuilder html = new StringBuilder("<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path e : s.sorted().toList()) {
        String name = e.getFileName().toString() + (Files.isDirectory(e) ? "/" : "");
        html.append("<a href=\"").append(escape(RequestCanonicaliser.encodePath(name))).append("\">")
            .append(escape(name)).append("</a>\n");
      }
    }
    html.append("</pre>\n");
    byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        head ? alloc.buffer(0) : alloc.buffer(bytes.length).writeBytes(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }

  static String contentType(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
