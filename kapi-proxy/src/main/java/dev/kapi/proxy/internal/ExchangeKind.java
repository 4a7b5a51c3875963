package dev.kapi.proxy.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The three shapes of exchange, decided before anything goes upstream (after Armeria's {@code ExchangeType}).
 * All of them stream bodies; they differ in what may time out and which connection they use.
 */
enum ExchangeKind {
  /** An ordinary request: a pooled connection, and a response-header timeout. */
  UNARY,
  /** Watch, {@code follow=true} logs, and the {@code proxy} subresources: may be silent for an hour; no timeout. */
  STREAM,
  /** {@code Connection: Upgrade} (exec, attach, port-forward, WebSocket watch): its own connection, then a tunnel. */
  UPGRADE;

  static ExchangeKind of(String path, String rawQuery, HttpHeaders headers) {
    if (isUpgrade(headers)) {
      return UPGRADE;
    }
    return isLongRunning(path, rawQuery) ? STREAM : UNARY;
  }

  /** Go's {@code httpstream.IsUpgradeRequest}: a {@code Connection} header carrying the token "upgrade". */
  static boolean isUpgrade(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
  }

  /** What the API server itself treats as long-running and exempts from its request timeout (see protocol notes). */
  static boolean isLongRunning(String path, String rawQuery) {
    if (rawQuery != null && (Queries.isTrue(rawQuery, "watch") || Queries.isTrue(rawQuery, "follow"))) {
      return true;
    }
    return path.startsWith("/api/v1/watch/") || path.startsWith("/apis/") && path.contains("/watch/")
        || path.contains("/proxy/") || path.endsWith("/proxy");
  }

  /** A watch in either form: {@code ?watch=true} or the deprecated {@code /watch/} path. */
  static boolean isWatch(String path, String rawQuery) {
    return rawQuery != null && Queries.isTrue(rawQuery, "watch") || path.startsWith("/api/v1/watch/")
        || path.startsWith("/apis/") && path.contains("/watch/");
  }
}
