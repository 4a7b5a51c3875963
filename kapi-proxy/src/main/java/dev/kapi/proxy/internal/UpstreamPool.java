package dev.kapi.proxy.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the API server for one event loop, used only from that loop: client and upstream
 * channels of an exchange share a thread, so nothing here is locked and no bytes change threads.
 *
 * <p>There is no cap on connections in use: each HTTP/1.1 watch holds one for up to an hour, so a cap below the
 * number of concurrent watches would starve ordinary requests. What is capped is how many stay idle
 * ({@code maxIdle}, most recently used first) and for how long (like Go's {@code IdleConnTimeout}).
 */
final class UpstreamPool {

  /** Who asked for a connection. */
  interface Acquirer {
    void acquired(UpstreamConnection connection, boolean reused);

    void acquireFailed(Throwable cause);
  }

  static final long IDLE_TIMEOUT_SECONDS = 90;

  private final EventLoop loop;
  private final UpstreamConnector connector;
  private final int maxIdle;
  private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();

  UpstreamPool(EventLoop loop, UpstreamConnector connector, int maxIdle) {
    this.loop = loop;
    this.connector = connector;
    this.maxIdle = maxIdle;
    loop.scheduleAtFixedRate(this::closeExpired, IDLE_TIMEOUT_SECONDS / 3, IDLE_TIMEOUT_SECONDS / 3, TimeUnit.SECONDS);
  }

  EventLoop loop() {
    return loop;
  }

  /** An idle connection if one is alive (called back at once), else a new one (called back when connected). */
  void acquire(Acquirer a) {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.isActive()) {
        a.acquired(c, true);
        return;
      }
    }
    connectNew(a);
  }

  /** A fresh connection, never an idle one (the retry after a reused connection turned out to be dead). */
  void connectNew(Acquirer a) {
    Future<UpstreamConnection> f = connector.connect(loop, this);
    if (f.isDone()) {
      deliver(f, a);
    } else {
      f.addListener(done -> deliver(f, a));
    }
  }

  private static void deliver(Future<UpstreamConnection> f, Acquirer a) {
    if (f.isSuccess()) {
      a.acquired(f.getNow(), false);
    } else {
      a.acquireFailed(f.cause());
    }
  }

  /** Opens one connection ahead of the first request (TLS classes loaded, handshake done); failures are ignored. */
  void warm() {
    connector.connect(loop, this).addListener(f -> {
      if (f.isSuccess()) {
        offer((UpstreamConnection) f.getNow());
      }
    });
  }

  void offer(UpstreamConnection c) {
    if (idle.size() >= maxIdle) {
      c.discard();
      return;
    }
    c.idleSinceNanos = System.nanoTime();
    idle.addFirst(c);
  }

  void remove(UpstreamConnection c) {
    idle.remove(c);
  }

  int idleCount() {
    return idle.size();
  }

  private void closeExpired() {
    long now = System.nanoTime();
    long limit = TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS);
    UpstreamConnection oldest;
    while ((oldest = idle.peekLast()) != null && now - oldest.idleSinceNanos > limit) {
      idle.pollLast().discard();
    }
  }
}
