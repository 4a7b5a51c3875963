import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.PodView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;

/**
 * Many watches through one ambassador, against a real kube-apiserver (kapi-testing's harness): what each proxy holds
 * open towards the API server, what that costs in memory on both sides, and how long one event takes to reach every
 * watcher. For each proxy in turn: a warm-up (N watches opened, three events sent through them, the watches closed;
 * repeated WARM_UP_ROUNDS times); then N watches on ConfigMaps in one namespace, opened over N client connections;
 * then, once the API server's own gauge shows it serving every one, the proxy's TCP connections to the API server,
 * both processes' RSS and the proxy's CPU; then one ConfigMap created and the time until each watcher has read its
 * ADDED event.
 *
 * Proxies: kubectl proxy with the seed's flags; kapi proxy from the Pod's environment with --upstream-http2=off (one
 * HTTP/1.1 connection per watch) and with its default (watches multiplexed over HTTP/2).
 *
 * Usage (see watch-fanout.sh): java -cp CP WatchFanout KAPI_LAUNCHER WATCHES [WARM_UP_ROUNDS, default 1]
 */
public class WatchFanout {

  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String kapi = args[0];
    int watches = Integer.parseInt(args[1]);
    int warmUps = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = Files.createTempDirectory("kapi-watch-fanout");
    try (ApiServer api = ApiServer.start(dir)) {
      String ns = "fanout";
      PodView pod = api.podView(ns, "app");
      api.grant(ns, "app", List.of(ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch")));
      long apiPid = listenerPid(api.port());
      int base = api.watchesServed("configmaps"); // the API server's own watches, before any proxy
      System.out.println("| proxy | watches open | open took s | connections to the API server | proxy RSS MB"
          + " (before → with watches) | API server RSS MB (before → with watches) | proxy CPU to open s"
          + " | one event to all watchers: p50 ms | p99 ms | max ms |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      List<String[]> variants = List.of(
          new String[] {"kubectl proxy", "kubectl"},
          new String[] {"kapi proxy --upstream-http2=off", "off"},
          new String[] {"kapi proxy (default: long-running)", "default"});
      int round = 0;
      for (String[] v : variants) {
        int port = free();
        List<String> cmd = v[1].equals("kubectl")
            ? List.of("kubectl", "proxy", "--server=" + api.url(), "--certificate-authority=" + pod.caFile(),
                "--token=" + pod.token(), "--port=" + port)
            : v[1].equals("off") ? List.of(kapi, "proxy", "--port=" + port, "--upstream-http2=off")
                : List.of(kapi, "proxy", "--port=" + port);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (!v[1].equals("kubectl")) {
          pb.environment().putAll(pod.envWithDirectory());
        }
        Process proxy = pb.start();
        List<Socket> sockets = List.of();
        try {
          awaitServing(port);
          for (int w = 0; w < warmUps; w++) {
            warmUp(api, port, ns, watches, base);
          }
          double rssProxy0 = rssMb(proxy.pid()), rssApi0 = rssMb(apiPid);
          double cpu0 = cpuSeconds(proxy.pid());
          String name = "event-" + round++;
          AtomicLongArray seenAt = new AtomicLongArray(watches);
          CountDownLatch opened = new CountDownLatch(watches);
          CountDownLatch seen = new CountDownLatch(watches);
          long t0 = System.nanoTime();
          String path = "/api/v1/namespaces/" + ns + "/configmaps?watch=true&allowWatchBookmarks=false"
              + "&fieldSelector=metadata.name%3D" + name;
          sockets = openWatches(port, path, watches, opened, (id, line) -> {
                if (line.contains("\"" + name + "\"") && seenAt.compareAndSet(id, 0, System.nanoTime())) {
                  seen.countDown();
                }
              });
          if (!opened.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(v[0] + ": only " + (watches - opened.getCount()) + " watches opened");
          }
          double openSeconds = (System.nanoTime() - t0) / 1e9;
          // measured once the API server itself serves every watch: the proxy's side of them is complete
          await(v[0] + ": the API server serves every watch", () -> api.watchesServed("configmaps") >= base + watches);
          double cpu1 = cpuSeconds(proxy.pid());
          double rssProxy1 = rssMb(proxy.pid()), rssApi1 = rssMb(apiPid);
          int upstream = connections(proxy.pid(), api.port());
          long created = System.nanoTime();
          api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}"));
          seen.await(30, TimeUnit.SECONDS);
          List<Double> ms = new ArrayList<>();
          for (int i = 0; i < watches; i++) {
            long at = seenAt.get(i);
            if (at != 0) {
              ms.add((at - created) / 1e6);
            }
          }
          Collections.sort(ms);
          System.out.printf("| %s | %d | %.2f | %d | %.1f → %.1f | %.1f → %.1f | %.2f | %.1f | %.1f | %.1f |%n",
              v[0], watches, openSeconds, upstream, rssProxy0, rssProxy1, rssApi0, rssApi1, cpu1 - cpu0,
              pct(ms, 50), pct(ms, 99), ms.isEmpty() ? 0 : ms.get(ms.size() - 1));
          if (ms.size() != watches) {
            System.out.println("(" + v[0] + ": only " + ms.size() + " of " + watches + " watchers saw the event)");
          }
        } finally {
          for (Socket s : sockets) {
            s.close();
          }
          proxy.destroy();
          proxy.waitFor(10, TimeUnit.SECONDS);
          await("the API server lets the closed watches go", () -> api.watchesServed("configmaps") == base);
        }
      }
    }
  }

  /**
   * The same number of watches opened, sent three events (patches of one ConfigMap, each waited for at every
   * watcher) and closed, so that neither proxy is measured cold (kapi's JIT).
   */
  static void warmUp(ApiServer api, int port, String ns, int watches, int base) throws Exception {
    api.admin().ensure("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
        "metadata", Map.of("name", "warm")));
    String[] markers = new String[3];
    List<CountDownLatch> got = new ArrayList<>();
    for (int k = 0; k < markers.length; k++) {
      markers[k] = "warm-" + System.nanoTime() + "-" + k;
      got.add(new CountDownLatch(watches));
    }
    AtomicIntegerArray next = new AtomicIntegerArray(watches); // the marker each watcher waits for next
    CountDownLatch opened = new CountDownLatch(watches);
    List<Socket> sockets = openWatches(port, "/api/v1/namespaces/" + ns + "/configmaps?watch=true"
        + "&fieldSelector=metadata.name%3Dwarm", watches, opened, (id, line) -> {
          int k = next.get(id);
          if (k < markers.length && line.contains(markers[k])) {
            next.set(id, k + 1);
            got.get(k).countDown();
          }
        });
    opened.await(120, TimeUnit.SECONDS);
    for (int k = 0; k < markers.length; k++) {
      api.admin().send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/warm",
          Map.of("data", Map.of("v", markers[k])), "application/merge-patch+json");
      got.get(k).await(30, TimeUnit.SECONDS);
    }
    for (Socket s : sockets) {
      s.close();
    }
    await("the API server lets the warm-up watches go", () -> api.watchesServed("configmaps") == base);
  }

  /** {@code n} watches, each over its own client connection; every line after the 200 goes to {@code onLine}. */
  static List<Socket> openWatches(int port, String path, int n, CountDownLatch opened,
      BiConsumer<Integer, String> onLine) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket("127.0.0.1", port);
      sockets.add(s);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      int id = i;
      Thread t = new Thread(null, () -> read(s, id, opened, onLine), "w" + i, 64 * 1024);
      t.setDaemon(true);
      t.start();
    }
    return sockets;
  }

  static void read(Socket s, int id, CountDownLatch opened, BiConsumer<Integer, String> onLine) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      String status = in.readLine();
      if (status == null || !status.contains(" 200 ")) {
        System.err.println("watch " + id + ": " + status);
        return;
      }
      opened.countDown();
      for (String line; (line = in.readLine()) != null; ) {
        onLine.accept(id, line);
      }
    } catch (Exception closed) {
      // closed at the end
    }
  }

  static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  static double pct(List<Double> sorted, int p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  static long listenerPid(int port) throws Exception {
    String out = run("ss", "-Hltnp", "sport = :" + port);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no process listens on " + port + ": " + out);
    }
    return Long.parseLong(m.group(1));
  }

  /** Established TCP connections from {@code pid} to the API server's port. */
  static int connections(long pid, int apiPort) throws Exception {
    int n = 0;
    for (String line : run("ss", "-Htnp", "state", "established", "dport = :" + apiPort).split("\n")) {
      if (line.contains("pid=" + pid + ",")) {
        n++;
      }
    }
    return n;
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  static double rssMb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return 0;
  }

  static double cpuSeconds(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll("^.*\\) ", "").split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, in clock ticks
  }

  static void awaitServing(int port) {
    await("the proxy on " + port + " serves /api", () -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write("GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
        return status != null && status.contains(" 200 ");
      } catch (java.io.IOException notYet) {
        return false; // not listening yet
      }
    });
  }

  static int free() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
