package dev.kapi.proxy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

  final List<String> events = new CopyOnWriteArrayList<>();

  final class Conn implements GracefulShutdown.Connection {
    final String name;
    final boolean tunnel;
    final boolean closesOnDrain;
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    Conn(String name, boolean tunnel, boolean closesOnDrain) {
      this.name = name;
      this.tunnel = tunnel;
      this.closesOnDrain = closesOnDrain;
    }

    @Override
    public void drain() {
      events.add("drain " + name);
      if (closesOnDrain) {
        closed.complete(null);
      }
    }

    @Override
    public void close() {
      events.add("close " + name);
      closed.complete(null);
    }

    @Override
    public boolean isTunnel() {
      return tunnel;
    }

    @Override
    public CompletionStage<Void> closed() {
      return closed;
    }
  }

  @Test
  void stopsAcceptingDrainsEveryoneAndFinishesEarlyWhenAllClose() {
    GracefulShutdown s = new GracefulShutdown(Duration.ofSeconds(30));
    Conn idle = new Conn("idle", false, true);
    Conn busy = new Conn("busy", false, false);
    s.register(idle);
    s.register(busy);
    var done = s.shutdown(() -> events.add("stop accepting"));
    assertThat(s.draining()).isTrue();
    assertThat(events.get(0)).isEqualTo("stop accepting");
    assertThat(events.subList(1, 3)).containsExactlyInAnyOrder("drain idle", "drain busy");
    assertThat(done).isNotDone();
    busy.closed.complete(null); // its response finished
    GracefulShutdown.Summary summary = done.join();
    assertThat(summary.drained()).isEqualTo(2);
    assertThat(summary.forced()).isZero();
    assertThat(s.shutdown(() -> events.add("again"))).isSameAs(done);
  }

  @Test
  void atTheDeadlineClosesOrdinaryConnectionsFirstAndTunnelsLast() {
    GracefulShutdown s = new GracefulShutdown(Duration.ofMillis(200));
    Conn tunnel = new Conn("exec", true, false);
    Conn slow = new Conn("slow-list", false, false);
    s.register(tunnel);
    s.register(slow);
    GracefulShutdown.Summary summary = s.shutdown(() -> { }).join();
    assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("drain exec", "drain slow-list");
    assertThat(events.subList(2, 4)).containsExactly("close slow-list", "close exec");
    assertThat(summary.forced()).isEqualTo(1);
    assertThat(summary.tunnelsForced()).isEqualTo(1);
    assertThat(s.openConnections()).isZero();
  }

  @Test
  void aConnectionAcceptedWhileDrainingIsDrainedAtOnce() {
    GracefulShutdown s = new GracefulShutdown(Duration.ofSeconds(5));
    s.shutdown(() -> { });
    Conn late = new Conn("late", false, true);
    s.register(late);
    assertThat(events).containsExactly("drain late");
    assertThat(late.closed).isDone();
  }
}
