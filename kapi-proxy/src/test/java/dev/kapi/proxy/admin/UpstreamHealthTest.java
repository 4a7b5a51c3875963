package dev.kapi.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.observe.UpstreamFailure;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UpstreamHealthTest {

  final AtomicLong now = new AtomicLong(0);
  final AtomicInteger probes = new AtomicInteger();
  final AtomicReference<CompletableFuture<Integer>> answer = new AtomicReference<>(CompletableFuture.completedFuture(200));
  final UpstreamHealth health = new UpstreamHealth(() -> {
    probes.incrementAndGet();
    return answer.get();
  }, Duration.ofSeconds(10), now::get);

  HealthReport check() {
    return new HealthEndpoint("readyz", List.of(health), Duration.ofSeconds(2)).run(Set.of()).join();
  }

  void advance(int seconds) {
    now.addAndGet(Duration.ofSeconds(seconds).toNanos());
  }

  @Test
  void recentTrafficAnswersWithoutProbing() {
    health.responseReceived(403);
    advance(5);
    assertThat(check().ok()).isTrue();
    assertThat(probes).hasValue(0);
  }

  @Test
  void aFailureAfterTheLastResponseFailsAtOnceNamingTheCause() {
    health.responseReceived(200);
    advance(1);
    health.failed(UpstreamFailure.CONNECT_REFUSED, "Connection refused: /127.0.0.1:6443");
    now.addAndGet(Duration.ofMillis(900).toNanos());
    HealthReport r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.body(false)).contains("[-]api-server failed: API server not reached: connect_refused: "
        + "Connection refused: /127.0.0.1:6443 (0s ago)");
    assertThat(probes).hasValue(0);
    health.responseReceived(200);
    assertThat(check().ok()).isTrue();
  }

  @Test
  void anIdleProxyIsReadyAtTheNextCheckOnceTheApiServerIsBackNotAFreshnessLater() {
    health.failed(UpstreamFailure.CONNECT_REFUSED, "Connection refused");
    answer.set(CompletableFuture.failedFuture(new ConnectException("Connection refused")));
    advance(2);
    assertThat(check().ok()).isFalse(); // still down: the probe says so
    assertThat(check().ok()).isFalse(); // and the failed probe is fresh for a second: no second probe
    assertThat(probes).hasValue(1);
    advance(2);
    answer.set(CompletableFuture.completedFuture(200)); // the API server is back
    assertThat(check().ok()).isTrue();
    assertThat(probes).hasValue(2);
  }

  @Test
  void anIdleProxyProbesAtMostOncePerFreshnessWindow() {
    assertThat(check().ok()).isTrue();
    assertThat(check().ok()).isTrue();
    assertThat(probes).hasValue(1);
    advance(11);
    answer.set(CompletableFuture.failedFuture(new ConnectException("Connection refused")));
    HealthReport down = check();
    assertThat(down.ok()).isFalse();
    assertThat(down.body(false)).contains("connect_refused: Connection refused");
    assertThat(probes).hasValue(2);
    advance(11);
    answer.set(CompletableFuture.completedFuture(500));
    assertThat(check().body(false)).contains("the API server answered /readyz with 500");
    advance(11);
    answer.set(CompletableFuture.completedFuture(200));
    assertThat(check().ok()).isTrue();
    assertThat(probes).hasValue(4);
  }

  @Test
  void concurrentChecksShareOneProbe() {
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    answer.set(pending);
    var a = health.check().toCompletableFuture();
    var b = health.check().toCompletableFuture();
    assertThat(probes).hasValue(1);
    pending.complete(200);
    a.join();
    b.join();
  }
}
