import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.PodView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watch-event latency through kubectl proxy and kapi proxy, against a real kube-apiserver (kapi-testing's harness):
 * one watch per proxy (and one straight to the API server) on the same namespace, then N ConfigMaps created one at
 * a time; for each, the time from sending the POST to each watcher reading the ADDED event. Both proxies run as a
 * Pod's ambassador would: kubectl with the seed's flags, kapi with the Pod's environment and no flags.
 *
 * Usage (see watch-latency.sh): java -cp CP WatchLatency KAPI_LAUNCHER EVENTS
 */
public class WatchLatency {

  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String kapi = args[0];
    int events = Integer.parseInt(args[1]);
    Path dir = Files.createTempDirectory("kapi-watch-latency");
    try (ApiServer api = ApiServer.start(dir)) {
      String ns = "latency";
      PodView pod = api.podView(ns, "app");
      api.grant(ns, "app", List.of(ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch")));
      int kubectlPort = free(), kapiPort = free();
      List<Process> procs = new ArrayList<>();
      procs.add(start(List.of("kubectl", "proxy", "--server=" + api.url(), "--certificate-authority=" + pod.caFile(),
          "--token=" + pod.token(), "--port=" + kubectlPort), Map.of()));
      procs.add(start(List.of(kapi, "proxy", "--port=" + kapiPort), pod.envWithDirectory()));
      try {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(dev.kapi.config.TlsSettings.trustCaFile(api.caFile()).sslContext()).build();
        awaitServing(http, "http://127.0.0.1:" + kubectlPort);
        awaitServing(http, "http://127.0.0.1:" + kapiPort);
        String path = "/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=0";
        Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>();
        watch(http, "direct", api.url() + path, pod.token(), seen);
        watch(http, "kubectl proxy", "http://127.0.0.1:" + kubectlPort + path, null, seen);
        watch(http, "kapi proxy", "http://127.0.0.1:" + kapiPort + path, null, seen);
        Thread.sleep(1000);
        Map<String, List<Double>> latency = new ConcurrentHashMap<>();
        for (int i = 0; i < events; i++) {
          String name = "cm-" + i;
          long t0 = System.nanoTime();
          api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}"));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while ((seen.get(name) == null || seen.get(name).size() < 3) && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
          for (Map.Entry<String, Long> e : seen.getOrDefault(name, Map.of()).entrySet()) {
            latency.computeIfAbsent(e.getKey(), k -> Collections.synchronizedList(new ArrayList<>()))
                .add((e.getValue() - t0) / 1e6);
          }
          Thread.sleep(50); // one event at a time: nothing batches them
        }
        System.out.println("| watcher | events seen | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (String w : List.of("direct", "kubectl proxy", "kapi proxy")) {
          List<Double> l = new ArrayList<>(latency.getOrDefault(w, List.of()));
          Collections.sort(l);
          System.out.printf("| %s | %d of %d | %.1f | %.1f | %.1f | %.1f |%n", w, l.size(), events, pct(l, 50),
              pct(l, 90), pct(l, 99), l.isEmpty() ? 0 : l.get(l.size() - 1));
        }
      } finally {
        for (Process p : procs) {
          p.destroy();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  static double pct(List<Double> sorted, int p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  static void watch(HttpClient http, String who, String url, String token, Map<String, Map<String, Long>> seen)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(who + ": watch answered " + r.statusCode());
    }
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          long now = System.nanoTime();
          JsonNode e = JSON.readTree(line);
          seen.computeIfAbsent(e.path("object").path("metadata").path("name").asText(),
              k -> new ConcurrentHashMap<>()).put(who, now);
        }
      } catch (Exception ended) {
        // closed at the end
      }
    }, "watch-" + who);
    t.setDaemon(true);
    t.start();
  }

  static Process start(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    return pb.start();
  }

  static void awaitServing(HttpClient http, String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base + "/api")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(base + " did not serve /api within 60 s");
  }

  static int free() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
