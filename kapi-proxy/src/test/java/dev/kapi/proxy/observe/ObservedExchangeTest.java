package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.policy.RequestInfoParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservedExchangeTest {

  static final class FakeClock implements ExchangeClock {
    long nanos = 1_000;

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant now() {
      return Instant.parse("2025-01-02T03:04:05.678901Z");
    }

    void advance(Duration d) {
      nanos += d.toNanos();
    }
  }

  static final class Recorder implements ExchangeObserver {
    final List<String> events = new ArrayList<>();

    @Override
    public void started(ObservedExchange e) {
      events.add("started");
    }

    @Override
    public void responseStarted(ObservedExchange e) {
      events.add("response " + e.status());
    }

    @Override
    public void transferred(ObservedExchange e, long fromClient, long toClient) {
      events.add("bytes " + fromClient + "/" + toClient);
    }

    @Override
    public void finished(ObservedExchange e) {
      events.add("finished " + e.outcome());
    }
  }

  static ObservedExchange get(ExchangeObserver o, ExchangeClock clock, String target) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    Map<String, String> q = target.contains("watch=true") ? Map.of("watch", "true") : Map.of();
    return ObservedExchange.start(o, clock, "GET", target, RequestInfoParser.parse("GET", path, q),
        target.contains("watch=true") ? ExchangeKind.STREAM : ExchangeKind.UNARY, "kubectl/v1.32");
  }

  @Test
  void observerSeesEventsInOrderAndTheFirstEndWins() {
    Recorder r = new Recorder();
    FakeClock clock = new FakeClock();
    ObservedExchange e = get(r, clock, "/api/v1/namespaces/demo/configmaps?limit=500");
    clock.advance(Duration.ofMillis(30));
    e.responseStarted(200, "a1b2");
    e.responseStarted(500, "other"); // ignored: a response starts once
    e.toClient(100);
    e.toClient(0);
    clock.advance(Duration.ofMillis(20));
    e.completed();
    e.aborted("late close"); // ignored: already over

    assertThat(r.events).containsExactly("started", "response 200", "bytes 0/100", "finished COMPLETED");
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.auditId()).isEqualTo("a1b2");
    assertThat(e.timeToFirstByte()).contains(Duration.ofMillis(30));
    assertThat(e.duration()).isEqualTo(Duration.ofMillis(50));
    assertThat(e.bytesToClient()).isEqualTo(100);
    assertThat(e.info().verb()).isEqualTo("list");
    assertThat(e.info().namespace()).isEqualTo("demo");
    assertThat(e.abortCause()).isEmpty();
  }

  @Test
  void aRejectedRequestEndsRejectedAndAnAbortedOneNamesTheCause() {
    ObservedExchange rejected = get(ExchangeObserver.none(), new FakeClock(), "/api/v1/namespaces/x/pods/p/exec");
    rejected.rejected(Rejection.filter("reject-paths"));
    rejected.responseStarted(403, "");
    rejected.completed();
    assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(rejected.rejection()).contains(new Rejection("filter", "reject-paths"));

    ObservedExchange cut = get(ExchangeObserver.none(), new FakeClock(), "/api/v1/pods?watch=true");
    cut.responseStarted(200, "");
    cut.aborted("client closed the connection");
    assertThat(cut.outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(cut.abortCause()).isEqualTo("client closed the connection");
    assertThat(cut.longRunning()).isTrue();
  }

  @Test
  void finishActionsRunOnceHoweverTheExchangeEnds() {
    java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
    ObservedExchange e = get(ExchangeObserver.none(), new FakeClock(), "/api/v1/pods");
    e.whenFinished(released::incrementAndGet);
    e.aborted("client left");
    e.completed();
    assertThat(released).hasValue(1);
    e.whenFinished(released::incrementAndGet); // registered after the end: runs at once
    assertThat(released).hasValue(2);
  }

  @Test
  void thePathKeptForObserversHasSecretQueryValuesRedacted() {
    ObservedExchange e = get(ExchangeObserver.none(), new FakeClock(), "/api/v1/pods?access_token=s3cr3t");
    assertThat(e.path()).isEqualTo("/api/v1/pods?access_token=REDACTED").doesNotContain("s3cr3t");
  }

  @Test
  void aFailingObserverDoesNotStopTheOthers() {
    Recorder r = new Recorder();
    ExchangeObserver broken = new ExchangeObserver() {
      @Override
      public void started(ObservedExchange e) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void finished(ObservedExchange e) {
        throw new IllegalStateException("boom");
      }
    };
    ObservedExchange e = get(ExchangeObserver.composite(List.of(broken, r)), new FakeClock(), "/version");
    e.completed();
    assertThat(r.events).containsExactly("started", "finished COMPLETED");
  }

  @Test
  void longRunningFollowsTheApiServersRule() {
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/pods", Map.of("watch", "true")))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/watch/pods", Map.of()))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/namespaces/x/pods/p/log", Map.of()))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("POST", "/api/v1/namespaces/x/pods/p/exec", Map.of()))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/namespaces/x/pods/p/portforward", Map.of()))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/namespaces/x/services/s/proxy", Map.of()))).isTrue();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/pods", Map.of()))).isFalse();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/api/v1/namespaces/x/pods/p/status", Map.of()))).isFalse();
    assertThat(LongRunning.is(RequestInfoParser.parse("GET", "/version", Map.of()))).isFalse();
  }
}
