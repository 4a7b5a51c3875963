package dev.kapi.proxy.internal;

import dev.kapi.proxy.policy.RequestInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/**
 * The three shapes of exchange, decided before anything goes upstream (after Armeria's {@code ExchangeType}).
 * All of them stream bodies; they differ in what may time out and which connection they use.
 */
enum ExchangeKind {
  /** An ordinary request: a pooled connection, and a response-header timeout. */
  UNARY,
  /** Watches, logs, proxied services, nodes and pods: may be silent for an hour; no header timeout. */
  STREAM,
  /** {@code Connection: Upgrade} (exec, attach, port-forward, WebSocket watch): its own connection, then a tunnel. */
  UPGRADE;

  /** The API server's long-running subresources ({@code BasicLongRunningRequestCheck} in kube-apiserver). */
  private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");

  static ExchangeKind of(RequestInfo info, HttpHeaders headers) {
    if (isUpgrade(headers)) {
      return UPGRADE;
    }
    return isLongRunning(info) ? STREAM : UNARY;
  }

  /** Go's {@code httpstream.IsUpgradeRequest}: a {@code Connection} header carrying the token "upgrade". */
  static boolean isUpgrade(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
  }

  /**
   * What the API server itself treats as long-running and exempts from its request timeout, read from the same
   * {@link RequestInfo} it derives: the verbs watch and proxy, the subresources attach, exec, proxy, log and
   * portforward, and {@code /debug/pprof/}. Never a substring of the path: a namespace or object named "proxy" or
   * "watch" is an ordinary request, and {@code ?watch} or {@code ?watch=yes} is a watch, as upstream.
   */
  static boolean isLongRunning(RequestInfo info) {
    if (info.verb().equals("watch") || info.verb().equals("proxy")) {
      return true;
    }
    return info.resourceRequest() ? LONG_RUNNING_SUBRESOURCES.contains(info.subresource())
        : info.path().startsWith("/debug/pprof/");
  }

  /**
   * A request the API server relays to a pod, service or node ({@code proxy} verb or subresource): its body is the
   * workload's, which the API server streams through without its own 3 MiB limit.
   */
  static boolean isRelayedToWorkload(RequestInfo info) {
    return info.verb().equals("proxy") || (info.resourceRequest() && info.subresource().equals("proxy"));
  }

  /**
   * A response that never ends by itself: a watch, or a log with {@code follow} true (as Go's
   * {@code strconv.ParseBool} reads it). Only these are ended early, between two events, by a graceful shutdown;
   * every other long-running response (a workload's through {@code proxy}, a log without follow) runs to its end.
   */
  static boolean isEndless(RequestInfo info, String rawQuery) {
    if (isWatch(info)) {
      return true;
    }
    return info.resourceRequest() && info.subresource().equals("log")
        && Queries.first(rawQuery, "follow").map(v -> switch (v) {
          case "1", "t", "T", "true", "TRUE", "True" -> true;
          default -> false;
        }).orElse(false);
  }

  /** A watch in either form: {@code ?watch} (true as the API server reads it) or the deprecated {@code /watch/} path. */
  static boolean isWatch(RequestInfo info) {
    return info.verb().equals("watch");
  }
}
