package dev.kapi.proxy.observe;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Writes lines to a stream on its own thread, so an event loop never waits on a slow stdout (a full pipe, a
 * stalled log collector). When the queue is full, lines are dropped and counted rather than slowing the proxy;
 * the count is written as a line of its own once there is room, in the log's own format.
 */
public final class AsyncLineWriter implements LineSink, AutoCloseable {

  static final int DEFAULT_CAPACITY = 16_384;
  private static final String POISON = new String("close");

  private final PrintStream out;
  private final LongFunction<String> droppedNotice;
  private final BlockingQueue<String> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;

  AsyncLineWriter(PrintStream out, String threadName, int capacity, LongFunction<String> droppedNotice) {
    this.out = out;
    this.droppedNotice = droppedNotice;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void accept(String line) {
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the writer could not keep up. */
  public long dropped() {
    return dropped.get();
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch);
        StringBuilder b = new StringBuilder();
        boolean stop = false;
        for (String line : batch) {
          if (line == POISON) {
            stop = true;
            break;
          }
          b.append(line).append('\n');
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          b.append(droppedNotice.apply(lost)).append('\n');
        }
        out.print(b);
        out.flush();
        batch.clear();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops the thread (waits at most 2 s). */
  @Override
  public void close() {
    try {
      queue.put(POISON);
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
