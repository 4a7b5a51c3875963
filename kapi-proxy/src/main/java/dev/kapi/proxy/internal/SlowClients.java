package dev.kapi.proxy.internal;

import java.util.Iterator;
import java.util.LinkedHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Responses whose client has stopped taking them, on one event loop. Each holds up to a full write buffer for its
 * client, plus, on a shared HTTP/2 connection, its stream's window, which the API server fills whatever the client
 * does; a few hundred neighbours that stop reading their watches would otherwise exhaust the direct memory and
 * break every other client's response. Beyond {@code max} the longest-stalled client is cut off, as the API server
 * itself closes a watcher that cannot keep up; client-go re-watches.
 *
 * <p>Touched only from its event loop.
 */
final class SlowClients {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  /** What one stalled response may hold: its client's write buffer and its HTTP/2 stream's window. */
  static final long BYTES_PER_STALLED = ProxyChannels.WATER_MARK.high() + UpstreamConnector.HTTP2_STREAM_WINDOW;

  interface Stalled {
    /** Closes the client's connection and lets go of the upstream; the response is counted as aborted. */
    void cutOff(String why);
  }

  private final int max;
  private final Operations ops;
  private final LinkedHashSet<Stalled> stalled = new LinkedHashSet<>(); // oldest stall first
  private long lastLog;
  private int cutSinceLog;

  SlowClients(int max, Operations ops) {
    this.max = max;
    this.ops = ops;
  }

  /**
   * How many may stall on each of {@code loops} event loops: {@code --max-stalled-responses} shared out, or by
   * default half of the direct memory Netty may use, so that clients that do read always have the other half.
   */
  static int maxPerLoop(int configured, long maxDirectMemory, int loops) {
    int n = Math.max(1, loops);
    if (configured > 0) {
      return Math.max(1, (configured + n - 1) / n);
    }
    return (int) Math.max(8, maxDirectMemory / 2 / BYTES_PER_STALLED / n);
  }

  /** The response paused its upstream because its client took nothing more. */
  void stalled(Stalled s) {
    if (!stalled.add(s)) {
      return;
    }
    ops.stalledResponses(1);
    if (stalled.size() <= max) {
      return;
    }
    Iterator<Stalled> oldest = stalled.iterator();
    Stalled victim = oldest.next();
    oldest.remove();
    ops.stalledResponses(-1);
    cutSinceLog++;
    long now = System.nanoTime();
    if (now - lastLog > LOG_INTERVAL_NANOS) {
      lastLog = now;
      LOG.warn("more than {} responses stalled by clients that take nothing: cut off {} (the longest stalled) since"
          + " the last such message (--max-stalled-responses)", max, cutSinceLog);
      cutSinceLog = 0;
    }
    ops.limitRejected(dev.kapi.proxy.Limits.STALLED_RESPONSES);
    victim.cutOff("the client took nothing while " + max + " other responses were stalled the same way; cut off to"
        + " protect the proxy's memory");
  }

  /** The client is taking it again, or the response is over. */
  void resumed(Stalled s) {
    if (stalled.remove(s)) {
      ops.stalledResponses(-1);
    }
  }
}
