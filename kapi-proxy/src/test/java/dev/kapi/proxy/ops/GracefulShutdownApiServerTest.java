package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.observe.LineSink;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A graceful shutdown of the proxy while a watch and a large list are open against the real API server. */
@ExtendWith(ApiServerExtension.class)
class GracefulShutdownApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  /** A new namespace holding {@code n} ConfigMaps, so that a watch from the start sees {@code n} ADDED events. */
  static String namespaceWithConfigMaps(ApiServer api, String prefix, int n) {
    String ns = api.uniqueNamespace(prefix);
    for (int i = 0; i < n; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", ObservabilityApiServerTest.configMap("cm-" + i));
    }
    return ns;
  }

  static Socket request(RunningProxy proxy, String path, int receiveBuffer) throws Exception {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer); // a slow client: the proxy has to hold the response back
    }
    s.connect(new InetSocketAddress("127.0.0.1", proxy.server.port()));
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  @Test
  void anOpenWatchEndsWithACleanEndOfStreamAfterWholeEvents(ApiServer api) throws Exception {
    String ns = namespaceWithConfigMaps(api, "drainwatch", 3);
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none());
         Socket watch = request(proxy, "/api/v1/namespaces/" + ns + "/configmaps?watch=true", 0)) {
      InputStream in = watch.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");

      // the three ADDED events first, whole (a shutdown before the API server sent them would end an empty watch)
      StringBuilder before = new StringBuilder();
      while (before.chars().filter(c -> c == '\n').count() < 3) {
        int size = Integer.parseInt(chunkLine(in).split(";")[0].strip(), 16);
        before.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
        chunkLine(in);
      }

      GracefulShutdown.Summary summary = proxy.server.shutdownGracefully().get(20, TimeUnit.SECONDS);
      RawHttp.Response r = RawHttp.readBody(head, in); // the rest of the chunked body
      assertThat(r.cleanEnd()).as("terminating chunk received").isTrue();
      assertThat(r.body()).as("nothing after the last whole event").isEmpty();
      String[] events = before.toString().split("\n");
      assertThat(events).hasSize(3);
      for (String e : events) {
        JsonNode event = JSON.readTree(e);
        assertThat(event.get("type").asText()).isEqualTo("ADDED");
      }
      assertThat(in.read()).as("then the connection closes").isEqualTo(-1);
      assertThat(summary.forced()).isZero();
      assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.server.port()).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  private static String chunkLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      assertThat(c).as("the stream ended inside a chunk").isNotNegative();
      line.append((char) c);
    }
    return line.toString().strip();
  }

  /** One WebSocket frame from the server: {opcode, payload...} (server frames are not masked). */
  private static byte[] readFrame(InputStream in) throws Exception {
    int b0 = in.read();
    int b1 = in.read();
    if (b0 < 0 || b1 < 0) {
      return null;
    }
    long len = b1 & 0x7f;
    if (len >= 126) {
      int n = len == 126 ? 2 : 8;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | in.read();
      }
    }
    byte[] frame = new byte[(int) len + 1];
    frame[0] = (byte) (b0 & 0x0f);
    System.arraycopy(in.readNBytes((int) len), 0, frame, 1, (int) len);
    return frame;
  }

  @Test
  void aWebSocketWatchEndsWithACloseFrameBetweenEventsNotAtTheDeadline(ApiServer api) throws Exception {
    String ns = namespaceWithConfigMaps(api, "drainws", 2);
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none()); Socket ws = new Socket()) {
      ws.connect(new InetSocketAddress("127.0.0.1", proxy.server.port()));
      ws.setSoTimeout(20_000);
      ws.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps?watch=true HTTP/1.1\r\n"
          + "Host: localhost\r\nOrigin: http://localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = ws.getInputStream();
      assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 101");
      for (int i = 0; i < 2; i++) {
        byte[] event = readFrame(in);
        assertThat(new String(event, 1, event.length - 1, StandardCharsets.UTF_8)).contains("\"ADDED\"");
      }

      GracefulShutdown.Summary summary = proxy.server.shutdownGracefully().get(40, TimeUnit.SECONDS);

      byte[] close = readFrame(in);
      assertThat(close).as("a frame before the connection ends").isNotNull();
      assertThat(close[0]).as("a close frame").isEqualTo((byte) 0x8);
      assertThat(((close[1] & 0xff) << 8) | (close[2] & 0xff)).as("1001, going away").isEqualTo(1001);
      assertThat(in.read()).as("then the connection closes").isEqualTo(-1);
      assertThat(summary.forced()).isZero();
      assertThat(summary.tunnelsForced()).as("not held to the deadline like exec").isZero();
    }
  }

  @Test
  void aLargeListInFlightCompletesIntactWithinTheGrace(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("drainlist");
    String data = "x".repeat(4000);
    int count = 600;
    for (int i = 0; i < count; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
          "metadata", Map.of("name", "cm-" + i), "data", Map.of("d", data)));
    }
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none().withShutdownGrace(Duration.ofSeconds(20)));
         Socket list = request(proxy, "/api/v1/namespaces/" + ns + "/configmaps", 4096)) {
      list.setSoTimeout(30_000);
      InputStream in = list.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      byte[] start = in.readNBytes(1000); // the list is under way, most of it still upstream
      var shutdown = proxy.server.shutdownGracefully();
      assertThat(shutdown).isNotDone();

      byte[] rest = in.readAllBytes(); // to the close that ends the drained connection
      RawHttp.Response r = RawHttp.readBody(head, new java.io.SequenceInputStream(
          new java.io.ByteArrayInputStream(start), new java.io.ByteArrayInputStream(rest)));
      assertThat(r.cleanEnd()).isTrue();
      JsonNode items = JSON.readTree(r.body()).get("items");
      assertThat(items.size()).isEqualTo(count);
      assertThat(items.get(count - 1).at("/data/d").asText()).isEqualTo(data);
      GracefulShutdown.Summary summary = shutdown.get(30, TimeUnit.SECONDS);
      assertThat(summary.forced()).isZero();
    }
  }
  @Test
  void aResponseStillStalledWhenTheGraceEndsIsLoggedAsCutOffByTheShutdown(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("draincut");
    String data = "x".repeat(500_000);
    // 12 MB: more than the proxy's client queue and the kernel's socket buffers hold, so the response is still in
    // flight, its upstream paused, when the grace ends
    for (int i = 0; i < 24; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
          "metadata", Map.of("name", "cm-" + i), "data", Map.of("d", data)));
    }
    List<String> lines = new CopyOnWriteArrayList<>();
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none().withShutdownGrace(Duration.ofSeconds(1))
        .withAccessLog(Optional.of((LineSink) lines::add)));
         Socket list = request(proxy, "/api/v1/namespaces/" + ns + "/configmaps", 4096)) {
      InputStream in = list.getInputStream();
      assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 200");
      in.readNBytes(1000); // and then nothing more

      GracefulShutdown.Summary summary = proxy.server.shutdownGracefully().get(30, TimeUnit.SECONDS);
      assertThat(summary.forced()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 1);
      JsonNode line = JSON.readTree(lines.get(0));
      assertThat(line.get("status").asInt()).isEqualTo(200);
      assertThat(line.get("outcome").asText()).isEqualTo("aborted");
      assertThat(line.get("abortCause").asText()).isEqualTo("cut off when --shutdown-grace ended");
    }
  }
}
