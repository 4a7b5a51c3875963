package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.policy.RequestInfoParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class VerboseRequestLogTest {

  @Test
  void onePlainLinePerRequestWithStatusAndTimeAndNoSecretQueryValue() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ObservedExchangeTest.FakeClock clock = new ObservedExchangeTest.FakeClock();
    ObservedExchange e = ObservedExchange.start(new VerboseRequestLog(lines::add), clock, "GET",
        "/api/v1/namespaces/demo/configmaps?limit=500&token=abc.def",
        RequestInfoParser.parse("GET", "/api/v1/namespaces/demo/configmaps", Map.of()), ExchangeKind.UNARY, "curl/8");
    clock.advance(Duration.ofNanos(4_060_000));
    e.responseStarted(200, "");
    e.completed();

    assertThat(lines).containsExactly("GET /api/v1/namespaces/demo/configmaps?limit=500&token=REDACTED 200 in 4.1 ms");
  }

  @Test
  void namesTheKindTheRejectingRuleAndTheAbortCauseAndWhenAStreamStarts() {
    List<String> lines = new CopyOnWriteArrayList<>();
    VerboseRequestLog log = new VerboseRequestLog(lines::add);
    ObservedExchangeTest.FakeClock clock = new ObservedExchangeTest.FakeClock();
    ObservedExchange denied = ObservedExchange.start(log, clock, "POST", "/api/v1/namespaces/x/pods/p/exec?command=sh",
        RequestInfoParser.parse("POST", "/api/v1/namespaces/x/pods/p/exec", Map.of()), ExchangeKind.UPGRADE, "");
    denied.rejected(Rejection.filter("reject-paths"));
    denied.responseStarted(403, "");
    denied.completed();
    ObservedExchange watch = ObservedExchange.start(log, clock, "GET", "/api/v1/pods?watch=1",
        RequestInfoParser.parse("GET", "/api/v1/pods", Map.of("watch", "1")), ExchangeKind.STREAM, "");
    clock.advance(Duration.ofNanos(3_240_000));
    watch.responseStarted(200, "");
    clock.advance(Duration.ofMillis(1500));
    watch.aborted("upstream closed mid-stream");
    ObservedExchange refused = ObservedExchange.start(log, clock, "GET", "/api/v1/nopes?watch=1",
        RequestInfoParser.parse("GET", "/api/v1/nopes", Map.of("watch", "1")), ExchangeKind.STREAM, "");
    refused.responseStarted(404, "");
    refused.completed();

    assertThat(lines).containsExactly(
        "POST /api/v1/namespaces/x/pods/p/exec?command=sh 403 in 0.0 ms, upgrade, rejected by filter:reject-paths",
        "GET /api/v1/pods?watch=1 200 after 3.2 ms, stream started",
        "GET /api/v1/pods?watch=1 200 in 1503.2 ms, stream, aborted: upstream closed mid-stream",
        "GET /api/v1/nopes?watch=1 404 in 0.0 ms, stream");
  }

  @Test
  void anAnswerBeforeAnyRequestWasReadStartsWithItsStatus() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ObservedExchange e = ObservedExchange.start(new VerboseRequestLog(lines::add), new ObservedExchangeTest.FakeClock(),
        "", "", RequestInfoParser.parse("", "", Map.of()), ExchangeKind.UNARY, "");
    e.rejected(new Rejection(Rejection.LIMIT, "max-connections"));
    e.responseStarted(503, "");
    e.completed();

    assertThat(lines).containsExactly("503 in 0.0 ms, rejected by limit:max-connections");
  }
}
