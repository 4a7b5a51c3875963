package dev.kapi.proxy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.proxy.observe.ExchangeKind;
import dev.kapi.proxy.policy.RequestInfo;
import dev.kapi.proxy.policy.RequestInfoParser;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadProtectionTest {

  final AtomicLong now = new AtomicLong();
  static final RequestInfo LIST = RequestInfoParser.parse("GET", "/api/v1/pods", Map.of());
  static final RequestInfo WATCH = RequestInfoParser.parse("GET", "/api/v1/pods", Map.of("watch", "true"));
  static final RequestInfo EXEC = RequestInfoParser.parse("GET", "/api/v1/namespaces/x/pods/p/exec", Map.of());

  @Test
  void maxInflightRefusesTheExcessWithRetryAfterAndFreesPlacesOnRelease() {
    LoadProtection lp = new LoadProtection(new LoadProtection.Settings(2, 0, 0, Duration.ofSeconds(1)), now::get);
    var a = (LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY);
    var b = (LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY);
    var c = lp.admit(LIST, ExchangeKind.UNARY);
    assertThat(c).isInstanceOf(LoadDecision.Reject.class);
    assertThat(((LoadDecision.Reject) c).limit()).isEqualTo("max-inflight");
    assertThat(((LoadDecision.Reject) c).retryAfterSeconds()).isEqualTo(1);
    assertThat(((LoadDecision.Reject) c).message()).contains("--max-inflight 2");
    a.permit().release();
    a.permit().release(); // twice: still one place
    assertThat(lp.inflight()).isEqualTo(1);
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Admit.class);
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Reject.class);
    b.permit().release();
  }

  @Test
  void watchesAndUpgradesDoNotCountAgainstMaxInflightLikeTheApiServer() {
    LoadProtection lp = new LoadProtection(new LoadProtection.Settings(1, 0, 0, Duration.ofSeconds(1)), now::get);
    for (int i = 0; i < 10; i++) {
      assertThat(lp.admit(WATCH, ExchangeKind.STREAM)).isInstanceOf(LoadDecision.Admit.class);
      assertThat(lp.admit(EXEC, ExchangeKind.UPGRADE)).isInstanceOf(LoadDecision.Admit.class);
    }
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Admit.class);
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Reject.class);
  }

  @Test
  void qpsLetsABurstThroughThenDelaysThenRefusesWithTheWaitAsRetryAfter() {
    LoadProtection lp = new LoadProtection(new LoadProtection.Settings(0, 5, 10, Duration.ofSeconds(1)), now::get);
    for (int i = 0; i < 10; i++) {
      assertThat(((LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY)).delay()).isZero();
    }
    // the bucket is empty: the next five wait 0.2 s, 0.4 s … 1.0 s for their tokens
    for (int i = 1; i <= 5; i++) {
      assertThat(((LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY)).delay()).isEqualTo(Duration.ofMillis(200L * i));
    }
    LoadDecision refused = lp.admit(WATCH, ExchangeKind.STREAM); // a watch takes its token too
    assertThat(refused).isInstanceOf(LoadDecision.Reject.class);
    assertThat(((LoadDecision.Reject) refused).limit()).isEqualTo("qps");
    assertThat(((LoadDecision.Reject) refused).retryAfterSeconds()).isEqualTo(2);
    assertThat(((LoadDecision.Reject) refused).message()).contains("--qps 5 --burst 10");
    now.addAndGet(Duration.ofSeconds(3).toNanos()); // refill 15 tokens, minus the 5 borrowed, capped at 10
    for (int i = 0; i < 10; i++) {
      assertThat(((LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY)).delay()).isZero();
    }
  }

  @Test
  void aQueuedRequestHoldsItsInflightPlaceAndARefusedOneGivesItBack() {
    LoadProtection lp = new LoadProtection(new LoadProtection.Settings(3, 1, 1, Duration.ofSeconds(1)), now::get);
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Admit.class);
    assertThat(((LoadDecision.Admit) lp.admit(LIST, ExchangeKind.UNARY)).delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(lp.inflight()).isEqualTo(2);
    assertThat(lp.admit(LIST, ExchangeKind.UNARY)).isInstanceOf(LoadDecision.Reject.class);
    assertThat(lp.inflight()).isEqualTo(2);
  }

  @Test
  void settingsAreValidatedWithFlagNames() {
    assertThatThrownBy(() -> new LoadProtection.Settings(-1, 0, 0, Duration.ZERO)).hasMessageContaining("--max-inflight");
    assertThatThrownBy(() -> new LoadProtection.Settings(0, -2, 0, Duration.ZERO)).hasMessageContaining("--qps");
    assertThatThrownBy(() -> new LoadProtection.Settings(0, 0, 5, Duration.ZERO)).hasMessageContaining("--burst needs --qps");
    assertThat(new LoadProtection.Settings(0, 2.5, 0, Duration.ZERO).effectiveBurst()).isEqualTo(3);
    assertThat(LoadProtection.Settings.OFF.toString()).isEqualTo("max-inflight=off, qps=off");
  }
}
