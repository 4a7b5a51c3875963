package dev.kapi.proxy.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keep-alive connections to the API server for one event loop, used only from that loop: client and upstream
 * channels of an exchange share a thread, so nothing here is locked and no bytes change threads.
 *
 * <p>There is no cap on connections in use: each HTTP/1.1 watch holds one for up to an hour, so a cap below the
 * number of concurrent watches would starve ordinary requests. What is capped is how many stay idle
 * ({@code maxIdle}, most recently used first) and for how long (like Go's {@code IdleConnTimeout}).
 *
 * <p>A request that may be multiplexed ({@code --upstream-http2}) gets a stream on an HTTP/2 session with room, as
 * client-go's transport does; while the first session is being opened, further such requests wait for it instead of
 * each opening a connection of its own. When the server does not pick HTTP/2, they use HTTP/1.1 connections from
 * then on.
 *
 * <p>The connection opened as the proxy starts ({@link #warm}) is the first request's: a request that comes while
 * its handshake is still under way waits for it instead of opening a second one, as a stream waits for the first
 * session (on a 2-core machine a cold TLS handshake is the largest part of the first response).
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
  private final List<Http2Session> sessions = new ArrayList<>(2);
  private final ArrayDeque<Acquirer> waitingForSession = new ArrayDeque<>();
  private boolean sessionConnecting;
  private boolean serverRefusedHttp2; // it answered ALPN with http/1.1: no point asking again
  private boolean warming; // the start-up connection is being opened
  private Acquirer waitingForWarm; // the one request it will go to

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
    if (warming && waitingForWarm == null) {
      waitingForWarm = a;
      return;
    }
    connectNew(a);
  }

  /** As {@link #acquire(Acquirer)}, on an HTTP/2 stream when {@code multiplexed} and the server speaks it. */
  void acquire(Acquirer a, boolean multiplexed) {
    if (multiplexed && !serverRefusedHttp2) {
      acquireStream(a);
    } else {
      acquire(a);
    }
  }

  /**
   * A fresh connection, never an idle one (the retry after a reused connection turned out to be dead); for a
   * multiplexed request, a stream on a live session (the dead one has left the pool).
   */
  void connectNew(Acquirer a, boolean multiplexed) {
    if (multiplexed && !serverRefusedHttp2) {
      acquireStream(a);
    } else {
      connectNew(a);
    }
  }

  private void acquireStream(Acquirer a) {
    for (Http2Session s : sessions) {
      if (s.canOpenStream()) {
        s.openStream(a, true);
        return;
      }
    }
    waitingForSession.add(a);
    if (!sessionConnecting) {
      connectSession();
    }
  }

  private void connectSession() {
    sessionConnecting = true;
    whenDone(connector.connectMultiplexed(loop, this), this::sessionConnected);
  }

  private void sessionConnected(Future<Object> f) {
    sessionConnecting = false;
    if (!f.isSuccess()) {
      Acquirer a;
      while ((a = waitingForSession.poll()) != null) {
        a.acquireFailed(f.cause());
      }
      return;
    }
    if (f.getNow() instanceof UpstreamConnection c) {
      serverRefusedHttp2 = true;
      Acquirer first = waitingForSession.poll();
      if (first == null) {
        offer(c);
      } else {
        first.acquired(c, false);
      }
      Acquirer a;
      while ((a = waitingForSession.poll()) != null) {
        acquire(a);
      }
      return;
    }
    Http2Session s = (Http2Session) f.getNow();
    sessions.add(s);
    boolean fresh = true;
    while (!waitingForSession.isEmpty() && s.canOpenStream()) {
      s.openStream(waitingForSession.poll(), !fresh);
      fresh = false;
    }
    if (!waitingForSession.isEmpty() && !fresh) {
      connectSession(); // this one is full; the rest wait for the next (or for a stream here to end)
    }
  }

  /** A session can take more streams (the server raised its limit, or a stream ended). */
  void sessionHasRoom(Http2Session s) {
    while (!waitingForSession.isEmpty() && s.canOpenStream()) {
      s.openStream(waitingForSession.poll(), true);
    }
  }

  void sessionClosed(Http2Session s) {
    sessions.remove(s);
  }

  /** A fresh connection, never an idle one (the retry after a reused connection turned out to be dead). */
  void connectNew(Acquirer a) {
    whenDone(connector.connect(loop, this), f -> deliver(f, a));
  }

  /** Hands {@code f} on at once if it is already done (a connection that failed before it began), else when it is. */
  private static <T> void whenDone(Future<T> f, Consumer<Future<T>> then) {
    if (f.isDone()) {
      then.accept(f);
    } else {
      f.addListener(done -> then.accept(f));
    }
  }

  private static void deliver(Future<UpstreamConnection> f, Acquirer a) {
    if (f.isSuccess()) {
      a.acquired(f.getNow(), false);
    } else {
      a.acquireFailed(f.cause());
    }
  }

  /**
   * Opens one connection ahead of the first request (TLS classes loaded, handshake done), an HTTP/2 session when
   * ordinary requests are multiplexed. A failure is reported only to the request waiting for it, if any: that was its
   * connection attempt, begun early (a fresh one would wait out the connect timeout a second time).
   */
  void warm(boolean multiplexed) {
    if (multiplexed) {
      if (!sessionConnecting) {
        connectSession();
      }
      return;
    }
    warming = true;
    whenDone(connector.connect(loop, this), this::warmed);
  }

  /** The start-up connection goes to the request that waited for it, if any, or to the idle ones. */
  private void warmed(Future<UpstreamConnection> f) {
    warming = false;
    Acquirer a = waitingForWarm;
    waitingForWarm = null;
    if (a == null) {
      if (f.isSuccess()) {
        offer(f.getNow());
      }
    } else {
      deliver(f, a);
    }
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

  /**
   * The API server refused the client certificate these connections presented (it expired; a renewed one is on
   * disk or from the plugin): the idle ones close and the sessions take no new streams, so the next requests
   * handshake again and present the current certificate. Requests in flight finish where they are.
   */
  void retireAll() {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.discard();
    }
    for (Http2Session s : List.copyOf(sessions)) {
      sessions.remove(s);
      s.retire();
    }
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
    for (Http2Session s : List.copyOf(sessions)) {
      if (s.openStreams() == 0 && now - s.idleSinceNanos > limit) {
        s.close();
      }
    }
  }
}
