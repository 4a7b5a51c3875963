package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bounded version of the watch-scale benchmark (bench/load, 5,000 watches, docs/benchmarks.md): 500
 * concurrent watches through one proxy against the real API server. Every one is served, on a few shared HTTP/2
 * connections, and sees the next event; when the clients go away the API server stops serving every one of them.
 */
@ExtendWith(ApiServerExtension.class)
class WatchesAtScaleTest {

  private static final int WATCHES = 500;

  @Test
  void fiveHundredWatchesShareAFewConnectionsSeeTheirEventsAndEndAtTheApiServer(ApiServer api) throws Exception {
    PodView pod = ApiServerFaultsTest.readerPod(api, "watch-scale");
    api.admin().ensure("/api/v1/namespaces/watch-scale/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
        "metadata", Map.of("name", "c"), "data", Map.of("v", "0")));
    String rv = api.admin().get("/api/v1/namespaces/watch-scale/configmaps").path("metadata").path("resourceVersion").asText();
    List<SocketChannel> clients = new ArrayList<>();
    try (ProxyHarness proxy = ProxyHarness.inPod(pod)) {
      int before = upstreamConnections(api.port());
      int watchesBefore = api.watchesServed("configmaps");
      byte[] request = ("GET /api/v1/namespaces/watch-scale/configmaps?watch=1&resourceVersion=" + rv
          + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < WATCHES; i++) {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", proxy.port()));
        c.write(ByteBuffer.wrap(request));
        clients.add(c);
      }
      for (SocketChannel c : clients) {
        assertThat(readUntil(c, "\r\n\r\n")).as("watch answered").startsWith("HTTP/1.1 200");
      }
      // the watches are streams of shared HTTP/2 connections (the default --upstream-http2=long-running; the API
      // server allows 100 or more streams per connection); the count is of every socket to the API server port
      // on this machine, so the admin client's own keep-alive connections come and go with it
      assertThat(upstreamConnections(api.port()) - before).as("watches multiplexed on a few connections")
          .isLessThanOrEqualTo(WATCHES / 50);
      assertThat(api.watchesServed("configmaps") - watchesBefore).as("the API server serves every watch")
          .isEqualTo(WATCHES);

      assertThat(api.admin().send("PATCH", "/api/v1/namespaces/watch-scale/configmaps/c",
          Map.of("data", Map.of("v", "1")), "application/merge-patch+json").statusCode()).isEqualTo(200);
      for (SocketChannel c : clients) {
        assertThat(readUntil(c, "\"type\":\"MODIFIED\"")).contains("\"v\":\"1\"");
      }

      for (SocketChannel c : clients) {
        c.close();
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(api.watchesServed("configmaps")).as("watches the API server still serves after the clients left")
              .isEqualTo(watchesBefore));
    } finally {
      for (SocketChannel c : clients) {
        c.close();
      }
    }
  }

  /** Blocking reads until {@code marker} has arrived; returns everything read. */
  private static String readUntil(SocketChannel c, String marker) throws IOException {
    c.socket().setSoTimeout(30_000);
    StringBuilder got = new StringBuilder();
    var in = c.socket().getInputStream();
    byte[] b = new byte[4096];
    while (got.indexOf(marker) < 0) {
      int n = in.read(b);
      if (n < 0) {
        throw new IOException("closed before " + marker + "; got " + got);
      }
      got.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
    }
    return got.toString();
  }

  /** Established TCP connections from this machine to {@code port} (the proxy runs in this JVM). */
  private static int upstreamConnections(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    int n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("01")) {
          n++;
        }
      }
    }
    return n;
  }
}
