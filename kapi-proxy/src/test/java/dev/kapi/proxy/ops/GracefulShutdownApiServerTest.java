package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A graceful shutdown of the proxy while a watch and a large list are open against the real API server. */
@ExtendWith(ApiServerExtension.class)
class GracefulShutdownApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

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
    String ns = api.uniqueNamespace("drainwatch");
    for (int i = 0; i < 3; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", ObservabilityApiServerTest.configMap("cm-" + i));
    }
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none());
         Socket watch = request(proxy, "/api/v1/namespaces/" + ns + "/configmaps?watch=true", 0)) {
      InputStream in = watch.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");

      GracefulShutdown.Summary summary = proxy.server.shutdownGracefully().get(20, TimeUnit.SECONDS);
      RawHttp.Response r = RawHttp.readBody(head, in);
      assertThat(r.cleanEnd()).as("terminating chunk received").isTrue();
      String[] events = new String(r.body(), StandardCharsets.UTF_8).split("\n");
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
}
