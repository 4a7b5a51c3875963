package dev.kapi.proxy.observe;

import dev.kapi.proxy.policy.RequestInfo;
import java.util.Set;

/**
 * Which requests may legitimately last for minutes or hours, decided exactly as kube-apiserver's
 * {@code BasicLongRunningRequestCheck(watch, proxy; attach, exec, proxy, log, portforward)}: the API server
 * exempts these from {@code --max-requests-inflight} and from its request-latency SLO metrics, and so do we.
 */
public final class LongRunning {

  private static final Set<String> VERBS = Set.of("watch", "proxy");
  private static final Set<String> SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");

  private LongRunning() {
  }

  public static boolean is(RequestInfo info) {
    return info.resourceRequest() && (VERBS.contains(info.verb()) || SUBRESOURCES.contains(info.subresource()));
  }

  /** Long-running by the API server's rule, or an upgrade (a tunnel lasts as long as its session). */
  public static boolean is(RequestInfo info, ExchangeKind kind) {
    return kind == ExchangeKind.UPGRADE || is(info);
  }
}
