package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.Credentials;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.UpstreamHttp2;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 to the real API server ({@code --upstream-http2}): watches share a few connections instead of holding one
 * each, every event still reaches every watcher, and with {@code all} every verb works over streams and answers
 * read exactly as over HTTP/1.1.
 */
@ExtendWith(ApiServerExtension.class)
class Http2UpstreamApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WATCHES = 40;

  /** Opens {@code WATCHES} watches over raw client connections; each counts down {@code seen} on cm "marker". */
  private static List<Socket> watch(RunningProxy proxy, String ns, CountDownLatch seen) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    CountDownLatch open = new CountDownLatch(WATCHES);
    for (int i = 0; i < WATCHES; i++) {
      Socket s = new Socket("127.0.0.1", proxy.server.port());
      sockets.add(s);
      s.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true HTTP/1.1\r\n"
          + "Host: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      Thread t = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
          if (in.readLine().contains(" 200 ")) {
            open.countDown();
          }
          for (String line; (line = in.readLine()) != null; ) {
            if (line.contains("\"marker\"") && line.contains("ADDED")) {
              seen.countDown();
            }
          }
        } catch (Exception closed) {
          // closed by the test
        }
      });
      t.setDaemon(true);
      t.start();
    }
    assertThat(open.await(60, TimeUnit.SECONDS)).as("every watch answered 200").isTrue();
    return sockets;
  }

  private static double upstreamConnections(RunningProxy proxy) {
    return proxy.metrics().value("kapi_proxy_upstream_connections_open", Map.of());
  }

  @Test
  void watchesShareAFewConnectionsAndEachSeesEveryEvent(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("h2watch");
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) { // the default: long-running
      CountDownLatch seen = new CountDownLatch(WATCHES);
      List<Socket> sockets = watch(proxy, ns, seen);
      // the warm HTTP/1.1 connection for short requests, and one HTTP/2 connection for all the watches
      assertThat(upstreamConnections(proxy)).isLessThanOrEqualTo(2);
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"marker\"}}"));
      assertThat(seen.await(30, TimeUnit.SECONDS)).as("every watcher saw the ADDED event").isTrue();
      for (Socket s : sockets) {
        s.close();
      }
      // each closed client cancels its stream: the API server's watches end, the connection stays for the next
      await().atMost(Duration.ofSeconds(20))
          .until(() -> proxy.metrics().value("kapi_proxy_watches_open", Map.of()) == 0);
      assertThat(upstreamConnections(proxy)).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aStalledWatcherDoesNotHoldUpTheOthersOnItsConnection(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("h2stall");
    String big = "x".repeat(700 * 1024);
    int objects = 24; // ~17 MB of initial events: far more than a stream's window and the sockets' buffers
    for (int i = 0; i < objects; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree("{\"apiVersion\":\"v1\","
          + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big-" + i + "\"},\"data\":{\"v\":\"" + big + "\"}}"));
    }
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none());
        Socket stalled = new Socket();
        Socket other = new Socket("127.0.0.1", proxy.server.port())) {
      stalled.setReceiveBufferSize(16 * 1024);
      stalled.connect(new java.net.InetSocketAddress("127.0.0.1", proxy.server.port()));
      stalled.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=0"
          + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // its 17 MB cannot fit in the buffers between the API server and the client (~6 MB: the stream's window,
      // the proxy's write queue, the sockets), so from here until the client reads, its stream is stopped
      await().atMost(Duration.ofSeconds(20))
          .until(() -> proxy.metrics().value("kapi_proxy_watches_open", Map.of()) == 1);
      other.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true"
          + "&fieldSelector=metadata.name%3Dmarker HTTP/1.1\r\nHost: localhost\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader otherIn = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(otherIn.readLine()).contains(" 200 ");
      assertThat(upstreamConnections(proxy)).as("both watches on one HTTP/2 connection").isLessThanOrEqualTo(2);
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"marker\"}}"));
      other.setSoTimeout(30_000);
      String line;
      do {
        line = otherIn.readLine();
      } while (line != null && !line.contains("\"marker\""));
      assertThat(line).as("the other watch got its event while the first client read nothing").isNotNull();

      // the stalled client now reads: every event is there, in order, the marker last
      stalled.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(stalled.getInputStream(), StandardCharsets.UTF_8));
      int added = 0;
      for (String l; (l = in.readLine()) != null; ) {
        if (l.contains("\"type\":\"ADDED\"")) {
          added++;
          if (l.contains("\"marker\"")) {
            break;
          }
        }
      }
      assertThat(added).isEqualTo(objects + 1);
    }
  }

  @Test
  void withHttp2OffEachWatchHoldsAConnection(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("h1watch");
    try (RunningProxy proxy = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
        OperationsConfig.none(), b -> b.upstreamHttp2(UpstreamHttp2.OFF))) {
      CountDownLatch seen = new CountDownLatch(WATCHES);
      List<Socket> sockets = watch(proxy, ns, seen);
      assertThat(upstreamConnections(proxy)).isGreaterThanOrEqualTo(WATCHES);
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"marker\"}}"));
      assertThat(seen.await(30, TimeUnit.SECONDS)).isTrue();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void everyVerbOverStreamsAnswersAsOverHttp11(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("h2all");
    try (RunningProxy h2 = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
        OperationsConfig.none(), b -> b.upstreamHttp2(UpstreamHttp2.ALL));
        RunningProxy h1 = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
            OperationsConfig.none(), b -> b.upstreamHttp2(UpstreamHttp2.OFF))) {
      String cms = "/api/v1/namespaces/" + ns + "/configmaps";
      HttpResponse<String> created = h2.send(HttpRequest.newBuilder(h2.url(cms)).header("Content-Type",
          "application/json").POST(HttpRequest.BodyPublishers.ofString(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}")).build());
      assertThat(created.statusCode()).isEqualTo(201);
      HttpResponse<String> applied = h2.send(HttpRequest.newBuilder(h2.url(cms + "/b?fieldManager=test"))
          .header("Content-Type", "application/apply-patch+yaml")
          .method("PATCH", HttpRequest.BodyPublishers.ofString(
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"},\"data\":{\"x\":\"y\"}}"))
          .build());
      assertThat(applied.statusCode()).isEqualTo(201);
      JsonNode list = JSON.readTree(h2.get(cms).body());
      assertThat(list.path("items").findValuesAsText("name")).contains("a", "b");
      HttpResponse<String> head = h2.send(HttpRequest.newBuilder(h2.url(cms + "/a"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).isEqualTo(h1.send(HttpRequest.newBuilder(h1.url(cms + "/a"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
      // the API server's own error, byte for byte as over HTTP/1.1
      HttpResponse<String> missing2 = h2.get(cms + "/nope");
      HttpResponse<String> missing1 = h1.get(cms + "/nope");
      assertThat(missing2.statusCode()).isEqualTo(404);
      assertThat(missing2.body()).isEqualTo(missing1.body());
      assertThat(h2.send(HttpRequest.newBuilder(h2.url(cms + "/a")).DELETE().build()).statusCode()).isEqualTo(200);
      // twenty requests at once: streams of one connection
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(h2.http.sendAsync(HttpRequest.newBuilder(h2.url("/apis/batch/v1")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : all) {
        assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(upstreamConnections(h2)).isEqualTo(1);
    }
  }

  @Test
  void aRequestBodyLargerThanTheStreamsWindowArrivesWhole(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("h2body");
    try (RunningProxy h2 = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
        OperationsConfig.none(), b -> b.upstreamHttp2(UpstreamHttp2.ALL))) {
      String cms = "/api/v1/namespaces/" + ns + "/configmaps";
      // 900 KB: many times the stream's flow-control window, so the body waits for the API server's WINDOW_UPDATEs
      String value = "x".repeat(900_000);
      HttpResponse<String> created = h2.send(HttpRequest.newBuilder(h2.url(cms)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\""
                  + value + "\"}}")).build());
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(JSON.readTree(h2.get(cms + "/big").body()).at("/data/k").asText()).isEqualTo(value);
    }
  }

  @Test
  void headersReadAsTheApiServerWritesThemOverHttp11(ApiServer api) throws Exception {
    try (RunningProxy h2 = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
        OperationsConfig.none(), b -> b.upstreamHttp2(UpstreamHttp2.ALL));
        Socket s = new Socket("127.0.0.1", h2.server.port())) {
      s.getOutputStream().write("GET /apis/batch/v1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      List<String> names = new ArrayList<>();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      for (String line; !(line = in.readLine()).isEmpty(); ) {
        names.add(line.substring(0, line.indexOf(':')));
      }
      assertThat(names).contains("Audit-Id", "Content-Type", "Content-Length")
          .noneMatch(n -> n.toLowerCase().startsWith("x-http2"));
    }
  }

  /** A watch from resourceVersion=0 whose client reads nothing: stalled once the buffers between are full. */
  private static Socket stalledWatch(RunningProxy proxy, String ns) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(16 * 1024);
    s.connect(new java.net.InetSocketAddress("127.0.0.1", proxy.server.port()));
    s.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=0 HTTP/1.1\r\n"
        + "Host: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  @Test
  void clientsThatStopReadingAreCutOffOldestFirstBeyondTheLimitAndReadersGoOn(ApiServer api) throws Exception {
    // each stalled watch holds up to ~2 MiB in the proxy (its write queue and, over HTTP/2, its stream's window):
    // a few hundred once exhausted the direct memory and broke every other client's responses
    String ns = api.uniqueNamespace("stalls");
    String big = "x".repeat(700 * 1024);
    for (int i = 0; i < 24; i++) { // ~17 MB of initial events each: more than every buffer between can hold
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree("{\"apiVersion\":\"v1\","
          + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big-" + i + "\"},\"data\":{\"v\":\"" + big + "\"}}"));
    }
    for (UpstreamHttp2 mode : new UpstreamHttp2[] {UpstreamHttp2.LONG_RUNNING, UpstreamHttp2.OFF}) {
      dev.kapi.proxy.Limits d = dev.kapi.proxy.Limits.DEFAULTS;
      dev.kapi.proxy.Limits threeStalled = new dev.kapi.proxy.Limits(d.maxHeaderBytes(), d.maxRequestTargetBytes(),
          d.maxRequestBodyBytes(), d.headerReadTimeout(), d.maxConnections(), d.maxUpgrades(), 3);
      List<Socket> stalled = new ArrayList<>();
      String marker = "marker-" + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      try (RunningProxy proxy = RunningProxy.start(api, Credentials.staticToken(api.adminToken()), OperationsConfig.none(),
          b -> b.upstreamHttp2(mode).limits(threeStalled))) {
        for (int k = 1; k <= 3; k++) {
          stalled.add(stalledWatch(proxy, ns));
          int expected = k;
          await().atMost(Duration.ofSeconds(30))
              .until(() -> proxy.metrics().value("kapi_proxy_stalled_responses", Map.of()) == expected);
        }
        stalled.add(stalledWatch(proxy, ns)); // the fourth: the first, stalled longest, is cut off
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.metrics()
            .sum("kapi_proxy_limit_rejections_total", Map.of("limit", "max-stalled-responses")) == 1);
        assertThat(proxy.metrics().value("kapi_proxy_stalled_responses", Map.of())).as(mode.toString()).isEqualTo(3);
        Socket first = stalled.get(0);
        first.setSoTimeout(30_000);
        java.io.InputStream in = first.getInputStream();
        long read = 0;
        for (int n; (n = in.read(new byte[65536])) > 0; ) {
          read += n;
        }
        assertThat(read).as("the first got what was buffered for it, then its connection closed").isLessThan(17_000_000);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> proxy.metrics().value("kapi_proxy_watches_open", Map.of()) == 3);

        // a client that reads still gets its events
        try (Socket reader = new Socket("127.0.0.1", proxy.server.port())) {
          reader.setSoTimeout(30_000);
          reader.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true"
              + "&fieldSelector=metadata.name%3D" + marker + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          BufferedReader lines = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
          assertThat(lines.readLine()).contains(" 200 ");
          api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree("{\"apiVersion\":\"v1\","
              + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + marker + "\"}}"));
          String line;
          do {
            line = lines.readLine();
          } while (line != null && !line.contains("\"" + marker + "\""));
          assertThat(line).as(mode + ": the reader got its event").isNotNull();
        }
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }
}
