package dev.kapi.proxy.internal;

import dev.kapi.proxy.observe.UpstreamFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Every answer the proxy makes up itself, as a Kubernetes {@code Status} (kubectl proxy answers text/plain), so
 * clients parse the proxy's errors exactly like the API server's. The API server's own errors never pass through
 * here: they are relayed byte for byte.
 */
final class StatusResponses {

  private StatusResponses() {
  }

  static FullHttpResponse forbidden(ByteBufAllocator alloc, String message) {
    return status(alloc, 403, "Forbidden", message, 0);
  }

  static FullHttpResponse badRequest(ByteBufAllocator alloc, String message) {
    return status(alloc, 400, "BadRequest", message, 0);
  }

  static FullHttpResponse notFound(ByteBufAllocator alloc, String message) {
    return status(alloc, 404, "NotFound", message, 0);
  }

  static FullHttpResponse methodNotAllowed(ByteBufAllocator alloc, String message) {
    return status(alloc, 405, "MethodNotAllowed", message, 0);
  }

  /** The API server cannot be reached (or the credential cannot be read): worth a retry in a second. */
  static FullHttpResponse unavailable(ByteBufAllocator alloc, String message) {
    return status(alloc, 503, "ServiceUnavailable", message, 1);
  }

  /**
   * The API server cannot be used, and a retry must be the client's own decision: without {@code Retry-After},
   * which client-go takes as leave to resend any request, a POST included. For a request that reached the API
   * server and lost its answer (it may have taken effect), and for a failure a second will not mend (the API
   * server's certificate fails verification).
   */
  static FullHttpResponse unavailableNoRetry(ByteBufAllocator alloc, String message) {
    return status(alloc, 503, "ServiceUnavailable", message, 0);
  }

  /** {@link #unavailable} unless {@code cause} is a TLS failure, which a retry in a second would only repeat. */
  static FullHttpResponse unreachable(ByteBufAllocator alloc, String message, UpstreamFailure cause) {
    return cause == UpstreamFailure.TLS ? unavailableNoRetry(alloc, message) : unavailable(alloc, message);
  }

  /** No response head from the API server in time. */
  static FullHttpResponse timeout(ByteBufAllocator alloc, String message) {
    return status(alloc, 504, "Timeout", message, 0);
  }

  /** A request the HTTP decoder could not read (line or headers too long, malformed). */
  static FullHttpResponse malformed(ByteBufAllocator alloc, int code, String message) {
    return status(alloc, code, code == 400 ? "BadRequest" : code == 413 ? "RequestEntityTooLarge" : "RequestRejected", message, 0);
  }

  /**
   * A {@code Status} response shaped as the API server writes it ({@code responsewriters.ErrorNegotiated}),
   * with {@code Retry-After} mirroring {@code details.retryAfterSeconds}.
   */
  static FullHttpResponse status(ByteBufAllocator alloc, int code, String reason, String message, int retryAfterSeconds) {
    StringBuilder json = new StringBuilder(160 + message.length());
    json.append("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":");
    quote(json, message);
    json.append(",\"reason\":");
    quote(json, reason);
    if (retryAfterSeconds > 0) {
      json.append(",\"details\":{\"retryAfterSeconds\":").append(retryAfterSeconds).append('}');
    }
    json.append(",\"code\":").append(code).append("}\n");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), body);
    r.headers().set("Cache-Control", "no-cache, private")
        .set("Content-Type", HttpHeaderValues.APPLICATION_JSON)
        .set("X-Content-Type-Options", "nosniff")
        .setInt("Content-Length", bytes.length);
    if (retryAfterSeconds > 0) {
      r.headers().setInt("Retry-After", retryAfterSeconds);
    }
    return r;
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c)); // as Go's encoding/json escapes them
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
