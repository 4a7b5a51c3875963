package dev.kapi.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.config.TokenFile;
import dev.kapi.testing.TestPki;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthChecksTest {

  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  static String jwt(Instant exp) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(("{\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  static HealthReport run(HealthCheck... checks) {
    return new HealthEndpoint("readyz", List.of(checks), Duration.ofSeconds(2)).run(Set.of()).join();
  }

  @Test
  void tokenCheckPassesForAValidTokenAndNamesExpiryByTheExpClaim(@TempDir Path dir) throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path file = dir.resolve("token");
    Files.writeString(file, jwt(NOW.plusSeconds(600)));
    assertThat(run(new TokenCheck(new TokenFile(file), clock)).ok()).isTrue();

    Files.writeString(file, jwt(NOW.minusSeconds(300)));
    HealthReport expired = run(new TokenCheck(new TokenFile(file), clock));
    assertThat(expired.httpStatus()).isEqualTo(503);
    assertThat(expired.body(false)).contains("[-]token failed: token file " + file + " expired at 2029-12-31T23:55:00Z"
        + " by its exp claim (5m ago)").doesNotContain(jwt(NOW.minusSeconds(300)));
  }

  @Test
  void tokenCheckNamesAMissingFileAndPassesWithoutAToken(@TempDir Path dir) {
    HealthReport missing = run(new TokenCheck(new TokenFile(dir.resolve("nope")), Clock.systemUTC()));
    assertThat(missing.body(false)).contains("[-]token failed: ").contains("nope").contains("does not exist");
    assertThat(run(new TokenCheck(Credentials.none(), Clock.systemUTC())).ok()).isTrue();
  }

  @Test
  void caCheckPassesWhileACaIsInForceEvenIfTheFileIsBrieflyAway(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca.crt");
    Files.writeString(ca, TestPki.create("test-ca").ca().certificatePem());
    TlsSettings tls = TlsSettings.trustCaFile(ca);
    assertThat(run(new CaCheck(tls)).ok()).isTrue();
    Files.delete(ca); // the kubelet swapping ..data: the last good bundle stays in force
    assertThat(run(new CaCheck(tls)).ok()).isTrue();
    assertThat(run(new CaCheck(TlsSettings.builder().insecureSkipTlsVerify(true).build())).ok()).isTrue();
  }

  @Test
  void eventLoopCheckPassesForIdleLoopsAndNamesAStuckOne() throws Exception {
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    CountDownLatch release = new CountDownLatch(1);
    try {
      EventLoopCheck check = new EventLoopCheck(loops, Duration.ofMillis(300));
      assertThat(run(check).ok()).isTrue();
      var it = loops.iterator();
      it.next();
      it.next().execute(() -> {
        try {
          release.await(); // a handler blocking its loop, as a bug would
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      HealthReport stuck = run(check);
      assertThat(stuck.ok()).isFalse();
      assertThat(stuck.body(false)).contains("[-]event-loops failed: event loop 1 did not run a task within 300 ms");
    } finally {
      release.countDown();
      loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
    }
    assertThat(run(new EventLoopCheck(loops, Duration.ofMillis(300))).body(false)).contains("is shut down");
  }

  @Test
  void reportRendersLikeTheApiServer() {
    HealthReport ok = run(HealthCheck.of("a", () -> { }), HealthCheck.of("b", () -> { }));
    assertThat(ok.body(false)).isEqualTo("ok");
    assertThat(ok.body(true)).isEqualTo("[+]a ok\n[+]b ok\nreadyz check passed\n");
    HealthReport bad = run(HealthCheck.of("a", () -> { }), HealthCheck.of("b", () -> {
      throw new IllegalStateException("broken\nreally");
    }));
    assertThat(bad.body(false)).isEqualTo("[+]a ok\n[-]b failed: broken really\nreadyz check failed\n");
    HealthReport slow = new HealthEndpoint("livez",
        List.of(new HealthCheck() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public java.util.concurrent.CompletionStage<Void> check() {
            return new java.util.concurrent.CompletableFuture<>();
          }
        }), Duration.ofMillis(50)).run(Set.of()).join();
    assertThat(slow.body(false)).isEqualTo("[-]slow failed: no answer within 50 ms\nlivez check failed\n");
  }
}
