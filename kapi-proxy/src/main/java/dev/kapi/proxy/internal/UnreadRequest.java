package dev.kapi.proxy.internal;

import dev.kapi.proxy.observe.ExchangeKind;
import dev.kapi.proxy.observe.ExchangeObserver;
import dev.kapi.proxy.observe.ObservedExchange;
import dev.kapi.proxy.observe.Rejection;
import dev.kapi.proxy.policy.RequestInfoParser;

/**
 * An answer the proxy sends before it could read a request (408 for headers that never finished, 503 beyond
 * --max-connections): observed like any other, with no method or path, so the access log and
 * {@code kapi_proxy_requests_total} hold every response a client was sent.
 */
final class UnreadRequest {

  private UnreadRequest() {
  }

  static ObservedExchange observe(ExchangeObserver observer, Rejection why) {
    ObservedExchange seen = ObservedExchange.start(observer, "", "", RequestInfoParser.parse("", "", (String) null),
        ExchangeKind.UNARY, null);
    seen.rejected(why);
    return seen;
  }
}
