package dev.kapi.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One HTTP request to the API server, as an immutable value: method, path (relative to the server URL, which
 * may carry a prefix), query, headers and an optional body. Built with {@link #get(String)} and friends;
 * {@link #toBuilder()} copies it for a variation. The body is bytes, so every request is replayable.
 */
public final class KubeRequest {

  /** Headers the client owns; setting them here would be ignored or rejected by {@code java.net.http}. */
  private static final Set<String> RESERVED = Set.of("authorization", "host", "connection", "content-length", "expect",
      "upgrade", "accept-encoding", "user-agent");

  private final String method;
  private final String path;
  private final String query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final Optional<Duration> timeout;

  private KubeRequest(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.query = b.query.toString();
    Map<String, List<String>> h = new LinkedHashMap<>();
    b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    this.headers = Map.copyOf(h);
    this.body = b.body;
    this.timeout = Optional.ofNullable(b.timeout);
  }

  public static Builder get(String path) {
    return new Builder("GET", path);
  }

  public static Builder post(String path) {
    return new Builder("POST", path);
  }

  public static Builder put(String path) {
    return new Builder("PUT", path);
  }

  public static Builder patch(String path) {
    return new Builder("PATCH", path);
  }

  public static Builder delete(String path) {
    return new Builder("DELETE", path);
  }

  public static Builder method(String method, String path) {
    return new Builder(method, path);
  }

  public String method() {
    return method;
  }

  /** The path as given (starts with {@code /}), without the query. */
  public String path() {
    return path;
  }

  /** The encoded query without {@code ?}, "" if none. */
  public String query() {
    return query;
  }

  /** Path and query as they go on the request line (after the server's prefix). */
  public String pathAndQuery() {
    return query.isEmpty() ? path : path + "?" + query;
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  public Optional<String> header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
        .map(e -> e.getValue().get(0));
  }

  /** The body bytes, or null for none. */
  public byte[] body() {
    return body == null ? null : body.clone();
  }

  public boolean hasBody() {
    return body != null;
  }

  /** A header timeout for this request instead of the configuration's {@code requestTimeout}. */
  public Optional<Duration> timeout() {
    return timeout;
  }

  /** True for methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2). */
  public boolean idempotent() {
    return switch (method) {
      case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
      default -> false;
    };
  }

  public Builder toBuilder() {
    Builder b = new Builder(method, path);
    b.query.append(query);
    headers.forEach((k, v) -> b.headers.put(k, new ArrayList<>(v)));
    b.body = body;
    b.timeout = timeout.orElse(null);
    return b;
  }

  @Override
  public String toString() {
    return method + " " + pathAndQuery();
  }

  /** Builder; validation happens in each method, so {@link #build()} never makes a half-valid request. */
  public static final class Builder {
    private final String method;
    private final String path;
    private final StringBuilder query = new StringBuilder();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body;
    private Duration timeout;

    private Builder(String method, String pathAndQuery) {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathAndQuery, "path");
      if (!method.matches("[A-Z]+")) {
        throw new IllegalArgumentException("not an HTTP method: " + method);
      }
      if (!pathAndQuery.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
      }
      if (pathAndQuery.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '#')) {
        throw new IllegalArgumentException("path contains a space, control character or '#': " + pathAndQuery);
      }
      this.method = method;
      int q = pathAndQuery.indexOf('?');
      this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
      if (q >= 0) {
        query.append(pathAndQuery.substring(q + 1));
      }
    }

    /** Adds {@code name=value}, both URL-encoded. */
    public Builder query(String name, String value) {
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(encode(name)).append('=').append(encode(value));
      return this;
    }

    /** Adds the parameter when the value is present and not empty. */
    public Builder queryIfPresent(String name, Optional<?> value) {
      value.map(String::valueOf).filter(v -> !v.isEmpty()).ifPresent(v -> query(name, v));
      return this;
    }

    /** Sets a header (replacing earlier values). Authorization, Host, Connection and the like are not allowed. */
    public Builder header(String name, String value) {
      checkHeader(name, value);
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      headers.put(name, new ArrayList<>(List.of(value)));
      return this;
    }

    public Builder accept(String mediaType) {
      return header("Accept", mediaType);
    }

    /** A body with its media type ({@code application/json}, {@code application/yaml}, a patch type...). */
    public Builder body(byte[] bytes, String contentType) {
      Objects.requireNonNull(bytes, "body");
      this.body = bytes.clone();
      return header("Content-Type", contentType);
    }

    public Builder body(String text, String contentType) {
      return body(text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** The header timeout for this request; {@link Duration#ZERO} for none (long polls). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("negative timeout " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public KubeRequest build() {
      return new KubeRequest(this);
    }

    private static void checkHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is set by the client from its configuration");
      }
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
        throw new IllegalArgumentException("header " + name + " contains a line break");
      }
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
