package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.config.Credentials;
import dev.kapi.config.CredentialsUnavailableException;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.local.LocalIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The credential is asked once per pass of the event loop, again in the next pass and after a 401's refresh. */
class LoopPassCredentialsTest {

  private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final SingleThreadIoEventLoop loop = (SingleThreadIoEventLoop) group.next();
  private final CountingToken token = new CountingToken();
  private final LoopPassCredentials credentials = new LoopPassCredentials(token, loop);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void requestsInOnePassShareOneAskAndTheNextPassAsksAgain() throws Exception {
    List<String> first = onLoop(() -> List.of(header(), header(), header()));
    List<String> second = onLoop(() -> List.of(header(), header()));

    assertThat(first).containsOnly("Bearer t-1");
    assertThat(second).containsOnly("Bearer t-2");
    assertThat(token.asked.get()).isEqualTo(2);
  }

  @Test
  void aRefreshAfterA401MakesTheRestOfThePassAskAgain() throws Exception {
    List<String> seen = onLoop(() -> {
      List<String> s = new ArrayList<>();
      s.add(header());
      credentials.refreshAfterUnauthorizedWithoutWaiting(s.get(0));
      s.add(header());
      s.add(header());
      return s;
    });

    assertThat(seen).containsExactly("Bearer t-1", "Bearer t-2", "Bearer t-2");
    assertThat(token.refreshed.get()).isEqualTo(1);
  }

  @Test
  void anUnavailableCredentialIsNotKept() throws Exception {
    token.broken = true;
    assertThatThrownBy(() -> onLoop(this::header)).hasCauseInstanceOf(CredentialsUnavailableException.class);
    token.broken = false;

    assertThat(onLoop(() -> List.of(header(), header()))).containsOnly("Bearer t-2");
  }

  private String header() {
    return credentials.authorizationWithoutWaiting().orElseThrow(); // how the proxy asks, on its loop
  }

  /** Runs {@code work} on the loop and returns once the pass it ran in has ended. */
  private <T> T onLoop(Callable<T> work) throws Exception {
    try {
      return loop.submit(work).get(5, TimeUnit.SECONDS);
    } finally {
      CountDownLatch passEnded = new CountDownLatch(1);
      loop.executeAfterEventLoopIteration(passEnded::countDown);
      assertThat(passEnded.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A token that changes every time it is asked for, so each ask shows in the header. */
  private static final class CountingToken implements Credentials {
    final AtomicInteger asked = new AtomicInteger();
    final AtomicInteger refreshed = new AtomicInteger();
    volatile boolean broken;

    @Override
    public Optional<String> authorization() {
      int n = asked.incrementAndGet();
      if (broken) {
        throw new CredentialsUnavailableException("/sa/token", "does not exist");
      }
      return Optional.of("Bearer t-" + n);
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
      refreshed.incrementAndGet();
      return true;
    }

    @Override
    public String describe() {
      return "counting test token";
    }
  }
}
