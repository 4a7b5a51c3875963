package dev.kapi.client;

import dev.kapi.client.internal.Errors;
import dev.kapi.client.internal.Json;
import dev.kapi.client.internal.StatusDecoder;
import dev.kapi.client.internal.WatchDecoder;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A watch that outlives its connections: it tracks the last resourceVersion it saw (bookmarks included) and,
 * when the server ends the stream ({@code timeoutSeconds}, the server's own 30-60 min limit, a restart) or the
 * connection drops, opens a new one from there, so the caller sees each change once and in order. Reconnects
 * back off while the server is unreachable and go on until {@link #close()}.
 *
 * <p>When the server no longer has history from that resourceVersion it says 410 (as the HTTP status or as an
 * {@code ERROR} event); {@link #hasNext()} then throws {@link KubeApiException.Gone}: the caller must list again
 * and watch from the list's resourceVersion ({@link Informer} does this). Other errors are thrown as their type.
 *
 * <p>Iterate from one thread; {@link #close()} may be called from any thread and ends the iteration.
 */
public final class Watch implements Iterator<WatchEvent>, Iterable<WatchEvent>, AutoCloseable {

  /** Opens one watch connection from a resourceVersion ("" = from now, with synthetic ADDED events for all). */
  interface Opener {
    KubeResponse open(String resourceVersion);
  }

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Opener opener;
  private final Json json;
  private final boolean deliverBookmarks;
  private final long maxEventBytes;
  private final Object sleeper = new Object();
  private volatile boolean closed;
  private volatile KubeResponse current;
  private WatchDecoder decoder;
  private WatchEvent pending;
  private volatile String resourceVersion;
  private volatile int reconnects;
  private Duration backoff = FIRST_BACKOFF;

  Watch(Opener opener, String resourceVersion, Json json, boolean deliverBookmarks, long maxEventBytes) {
    this.opener = opener;
    this.json = json;
    this.deliverBookmarks = deliverBookmarks;
    this.maxEventBytes = maxEventBytes;
    this.resourceVersion = resourceVersion == null ? "" : resourceVersion;
    connect(true);
  }

  /** The resourceVersion of the last event or bookmark seen: where the next connection starts. */
  public String resourceVersion() {
    return resourceVersion;
  }

  /** How many times a new connection was opened after the first (server ended it, or it dropped). */
  public int reconnects() {
    return reconnects;
  }

  @Override
  public boolean hasNext() {
    while (pending == null) {
      if (closed) {
        return false;
      }
      if (decoder == null) {
        pause();
        if (closed) {
          return false;
        }
        reconnects++;
        connect(false);
        continue;
      }
      WatchEvent e;
      try {
        e = decoder.next();
      } catch (IOException dropped) {
        // connection lost mid-stream (or a malformed event): resume from the last resourceVersion
        disconnect();
        continue;
      }
      if (e == null) {
        disconnect(); // a clean end: the server's timeout
        backoff = Duration.ZERO;
        continue;
      }
      backoff = FIRST_BACKOFF;
      switch (e.type()) {
        case ERROR -> onError(e);
        case BOOKMARK -> {
          remember(e);
          if (deliverBookmarks) {
            pending = e;
          }
        }
        default -> {
          remember(e);
          pending = e;
        }
      }
    }
    return true;
  }

  @Override
  public WatchEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the watch is closed");
    }
    WatchEvent e = pending;
    pending = null;
    return e;
  }

  @Override
  public Iterator<WatchEvent> iterator() {
    return this;
  }

  /** The events as a sequential stream; closing the stream closes the watch. */
  public Stream<WatchEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }

  @Override
  public void close() {
    closed = true;
    disconnect();
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
  }

  private void remember(WatchEvent e) {
    String rv = e.resourceVersion();
    if (!rv.isEmpty()) {
      resourceVersion = rv;
    }
  }

  private void onError(WatchEvent e) {
    KubeStatus status = StatusDecoder.fromNode(e.object(), 500);
    KubeApiException error = Errors.of(status, Optional.empty());
    disconnect();
    if (error.isGone() || !retryable(error)) {
      closed = true;
      throw error;
    }
  }

  private void connect(boolean first) {
    try {
      KubeResponse r = opener.open(resourceVersion);
      current = r;
      decoder = new WatchDecoder(r.body(), json.factory(), maxEventBytes);
      if (closed) {
        disconnect();
      }
    } catch (KubeApiException e) {
      if (first || e.isGone() || !retryable(e)) {
        closed = true;
        throw e;
      }
      grow();
    } catch (KubeException e) {
      if (first || closed) {
        closed = true;
        throw e;
      }
      grow(); // server unreachable (restarting): keep trying until closed
    }
  }

  private static boolean retryable(KubeApiException e) {
    return e.isTooManyRequests() || e.isServerTimeout() || e.code() >= 500;
  }

  private void grow() {
    backoff = backoff.isZero() ? FIRST_BACKOFF : backoff.multipliedBy(2);
    if (backoff.compareTo(MAX_BACKOFF) > 0) {
      backoff = MAX_BACKOFF;
    }
  }

  private void pause() {
    if (backoff.isZero()) {
      return;
    }
    synchronized (sleeper) {
      try {
        if (!closed) {
          sleeper.wait(backoff.toMillis()); // woken early by close()
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
      }
    }
  }

  private void disconnect() {
    KubeResponse r = current;
    current = null;
    decoder = null;
    if (r != null) {
      try {
        r.close();
      } catch (RuntimeException ignored) {
        // closing a broken stream may fail; it is closed either way
      }
    }
  }
}
