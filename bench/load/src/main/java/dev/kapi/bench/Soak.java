package dev.kapi.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded soak: for the given seconds, mixed GET / LIST / discovery / WATCH traffic and a steady trickle of
 * updates, all through {@code kapi proxy} against the real API server. Every request must succeed (2xx, complete
 * body, watch streams ended cleanly by the server's {@code timeoutSeconds}); every 30 s the proxy's live heap
 * (after a full GC) and RSS are sampled. Prints a Markdown table for docs/benchmarks.md and exits 1 on any failure.
 *
 * <p>Args: the kapi-cli jar, the duration in seconds.
 */
public final class Soak {

  private static final int READERS = 8;
  private static final int READER_RATE = 50; // requests per second per reader: about 400/s in all
  private static final int WATCHERS = 6;

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong watchEvents = new AtomicLong();
  private final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private URI base;
  private long deadline;

  public static void main(String[] args) throws Exception {
    new Soak().run(Path.of(args[0]), Integer.parseInt(args[1]));
  }

  private void run(Path jar, int seconds) throws Exception {
    try (BenchCluster cluster = BenchCluster.start(3);
        ProxyProcess proxy = ProxyProcess.start(jar, cluster.pod.envWithDirectory(), List.of())) {
      base = URI.create("http://127.0.0.1:" + proxy.port);
      deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        threads.add(thread("reader-" + i, this::reader));
      }
      for (int i = 0; i < WATCHERS; i++) {
        threads.add(thread("watcher-" + i, this::watcher));
      }
      threads.add(thread("writer", this::writer));
      threads.forEach(Thread::start);

      List<String> rows = new ArrayList<>();
      long start = System.nanoTime();
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.min(30_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        rows.add(String.format("| %4d s | %,d | %,d | %.1f | %.1f | %d | %d |", (System.nanoTime() - start) / 1_000_000_000,
            requests.get(), watchEvents.get(), proxy.liveHeapKiB() / 1024.0, proxy.rssKiB() / 1024.0,
            proxy.openFiles(), failures.size()));
        System.err.println(rows.get(rows.size() - 1));
      }
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(30).toMillis());
      }
      System.out.printf("""
          | elapsed | requests | watch events | live heap after GC (MiB) | RSS (MiB) | open files | failed |
          | --- | --- | --- | --- | --- | --- | --- |
          %s

          Requests by kind: %s. Failed requests: **%d**%s. Proxy JVM: `%s`.
          """, String.join("\n", rows), byKind, failures.size(),
          failures.isEmpty() ? "" : " (first: " + failures.peek() + ")", String.join(" ", proxy.jvmFlags));
      if (!failures.isEmpty()) {
        System.exit(1);
      }
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private boolean running() {
    return System.nanoTime() < deadline;
  }

  /** GET one object, LIST a page, or a discovery document, about {@link #READER_RATE} times a second. */
  private void reader() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (running()) {
      long next = System.nanoTime() + 1_000_000_000L / READER_RATE;
      switch (r.nextInt(4)) {
        case 0 -> call("get", "GET", "/api/v1/namespaces/bench/configmaps/cm-" + r.nextInt(3), null);
        case 1 -> call("list", "GET", "/api/v1/namespaces/bench/configmaps?limit=2", null);
        case 2 -> call("list-all", "GET", "/api/v1/namespaces/bench/configmaps", null);
        default -> call("discovery", "GET", "/apis/batch/v1", null);
      }
      pause(next);
    }
  }

  /** Watch from now for 5 s (the server ends it), counting events; then again. */
  private void watcher() {
    while (running()) {
      String list = call("list", "GET", "/api/v1/namespaces/bench/configmaps?limit=1", null);
      if (list == null) {
        continue;
      }
      int at = list.indexOf("\"resourceVersion\":\"");
      String rv = list.substring(at + 19, list.indexOf('"', at + 19));
      try {
        HttpResponse<java.util.stream.Stream<String>> resp = http.send(HttpRequest.newBuilder(
            base.resolve("/api/v1/namespaces/bench/configmaps?watch=1&timeoutSeconds=5&resourceVersion=" + rv))
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
        requests.incrementAndGet();
        byKind.computeIfAbsent("watch", k -> new AtomicLong()).incrementAndGet();
        if (resp.statusCode() != 200) {
          failures.add("watch: HTTP " + resp.statusCode());
          resp.body().close();
          continue;
        }
        try (var lines = resp.body()) {
          lines.forEach(l -> {
            if (l.contains("\"type\":\"ERROR\"")) {
              failures.add("watch: ERROR event " + l);
            }
            watchEvents.incrementAndGet();
          });
        }
      } catch (IOException | RuntimeException e) {
        failures.add("watch: " + e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One merge-patch every 100 ms, so the watches have events to deliver. */
  private void writer() {
    long i = 0;
    while (running()) {
      long next = System.nanoTime() + 100_000_000L;
      call("patch", "PATCH", "/api/v1/namespaces/bench/configmaps/cm-" + (i % 3), "{\"data\":{\"value\":\"" + i + "\"}}");
      i++;
      pause(next);
    }
  }

  /** One request; anything but a complete 2xx answer is a failure. Returns the body, or null on failure. */
  private String call(String kind, String method, String path, String mergePatch) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (mergePatch != null) {
      b.method(method, HttpRequest.BodyPublishers.ofString(mergePatch)).header("Content-Type", "application/merge-patch+json");
    }
    requests.incrementAndGet();
    byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    try {
      HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() / 100 != 2) {
        failures.add(method + " " + path + ": HTTP " + resp.statusCode() + " " + resp.body());
        return null;
      }
      return resp.body();
    } catch (IOException e) {
      failures.add(method + " " + path + ": " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void pause(long untilNanos) {
    long ms = (untilNanos - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      try {
        Thread.sleep(ms); // pacing a load generator: the rate is the point
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
