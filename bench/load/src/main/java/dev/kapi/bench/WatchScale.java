package dev.kapi.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * N concurrent watches through {@code kapi proxy} against the real API server: are they all served, do they all
 * see an event, and what does each cost the proxy (RSS and live heap, before and with the watches open)?
 * Prints a Markdown table for docs/benchmarks.md.
 *
 * <p>Args: the kapi-cli jar, the number of watches.
 */
public final class WatchScale {

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    try (BenchCluster cluster = BenchCluster.start(3);
        ProxyProcess proxy = ProxyProcess.start(jar, cluster.pod.envWithDirectory(),
            ProxyProcess.supports(jar, "--max-connections") ? List.of("--max-connections=" + (n + 1000)) : List.of());
        RawWatches watches = new RawWatches()) {
      // warm up: TLS, class loading, the first pooled connections
      try (RawWatches warm = new RawWatches()) {
        warm.open(proxy.port, "/api/v1/namespaces/bench/configmaps?watch=1&timeoutSeconds=1", 50);
        warm.pump(3000);
      }
      Thread.sleep(2000);
      long rss0 = proxy.rssKiB();
      long heap0 = proxy.liveHeapKiB();
      long fds0 = proxy.openFiles();

      String rv = cluster.listResourceVersion();
      String path = "/api/v1/namespaces/bench/configmaps?watch=1&resourceVersion=" + rv;
      Instant t0 = Instant.now();
      for (int opened = 0; opened < n; opened += 250) {
        watches.open(proxy.port, path, Math.min(250, n - opened));
        watches.pump(50);
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      while (watches.withStatus(200) < n && watches.closed() == 0 && Instant.now().isBefore(deadline)) {
        watches.pump(500);
      }
      Duration establish = Duration.between(t0, Instant.now());
      long ok = watches.withStatus(200);

      cluster.touch(0, "1");
      Instant e0 = Instant.now();
      deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (watches.withAtLeastEvents(1) < ok && Instant.now().isBefore(deadline)) {
        watches.pump(200);
      }
      Duration fanOut = Duration.between(e0, Instant.now());
      long delivered = watches.withAtLeastEvents(1);

      watches.pump(2000);
      long rss1 = proxy.rssKiB();
      long heap1 = proxy.liveHeapKiB();
      long fds1 = proxy.openFiles();

      long closedEarly = watches.closed();
      watches.close();
      Thread.sleep(5000);
      long rss2 = proxy.rssKiB();
      long heap2 = proxy.liveHeapKiB();
      long fds2 = proxy.openFiles();

      System.out.printf("""
          | watches through kapi proxy | %d |
          | --- | --- |
          | answered 200 / closed early | %d / %d |
          | all open after | %.1f s |
          | saw the MODIFIED event (one update, fan-out) | %d of %d, within %.1f s |
          | proxy RSS: before / with the watches / after closing them | %.1f / %.1f / %.1f MiB |
          | proxy live heap after full GC: before / with / after | %.1f / %.1f / %.1f MiB |
          | **memory per watch** (RSS delta / watches) | **%.1f KiB** (live heap: %.1f KiB) |
          | proxy open files: before / with / after | %d / %d / %d |
          | proxy JVM | %s |
          """, n, ok, closedEarly, establish.toMillis() / 1000.0, delivered, ok, fanOut.toMillis() / 1000.0,
          rss0 / 1024.0, rss1 / 1024.0, rss2 / 1024.0, heap0 / 1024.0, heap1 / 1024.0, heap2 / 1024.0,
          (rss1 - rss0) / (double) n, (heap1 - heap0) / (double) n, fds0, fds1, fds2, String.join(" ", proxy.jvmFlags));
      if (ok < n || delivered < ok) {
        System.exit(1);
      }
    }
  }
}
