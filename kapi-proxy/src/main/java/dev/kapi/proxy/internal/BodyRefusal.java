package dev.kapi.proxy.internal;

import dev.kapi.proxy.Limits;
import dev.kapi.proxy.observe.Rejection;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Why the rest of a request body will never go upstream, once part of it may have: the Status the client gets if
 * its response has not started, what the access log names, and the abort cause if it has.
 */
record BodyRefusal(int code, String reason, String message, Rejection why, String abortCause) {

  /** The decoder could not read the body (a bad chunk size, chunk data without its CRLF). */
  static BodyRefusal malformed(String detail) {
    return new BodyRefusal(400, "BadRequest", "kapi proxy could not read the request body: " + detail,
        new Rejection(Rejection.PATH, "malformed-body"), "malformed request body: " + detail);
  }

  /** A chunked body grew past {@code --max-request-body-bytes}. */
  static BodyRefusal tooLarge(String message) {
    return new BodyRefusal(413, "RequestEntityTooLarge", message, new Rejection(Rejection.LIMIT, Limits.REQUEST_BODY_BYTES),
        "request body larger than --" + Limits.REQUEST_BODY_BYTES);
  }

  FullHttpResponse answer(ByteBufAllocator alloc) {
    return StatusResponses.status(alloc, code, reason, message, 0);
  }
}
