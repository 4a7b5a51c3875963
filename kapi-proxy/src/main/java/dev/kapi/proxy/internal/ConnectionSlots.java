package dev.kapi.proxy.internal;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of things tied to a channel's lifetime (client connections, upgrade sessions), shared by all event
 * loops: a slot is taken when it is granted and given back when that channel closes, however it closes.
 */
final class ConnectionSlots {

  private final AtomicInteger used = new AtomicInteger();
  private final int max;

  ConnectionSlots(int max) {
    this.max = max;
  }

  /** Takes a slot for {@code ch} until it closes; false (and nothing taken) when all are in use. */
  boolean tryTake(Channel ch) {
    if (used.incrementAndGet() > max) {
      used.decrementAndGet();
      return false;
    }
    ch.closeFuture().addListener(f -> used.decrementAndGet());
    return true;
  }

  int used() {
    return used.get();
  }

  int max() {
    return max;
  }
}
