package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.StaticToken;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection the proxy opens to the API server as it starts belongs to the first request: a request that comes
 * while that connection's handshake is still under way waits for it rather than opening a second one, and if it
 * fails, that request gets the failure as its own. The API server sits behind a relay that holds each connection
 * until the test lets it through, so the request always arrives mid-handshake.
 */
@ExtendWith(ApiServerExtension.class)
class StartUpConnectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRequestDuringTheStartUpHandshakeIsServedOnThatConnection(ApiServer api) throws Exception {
    try (HeldRelay relay = new HeldRelay(api.url().getPort());
        ProxyHarness proxy = ProxyHarness.startWithMetrics(cluster(api, relay), b -> b)) {
      relay.awaitAccepted(1); // the start-up connection, held before its TLS handshake
      CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> proxy.get("/api"));
      // the request is counted in flight in the same event-loop task that asks for its connection
      await().atMost(Duration.ofSeconds(10)).until(() -> value(proxy, "kapi_proxy_requests_in_flight") == 1);

      relay.letThrough();

      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(relay.accepted()).as("connections the API server saw").isEqualTo(1);
      assertThat(value(proxy, "kapi_proxy_upstream_connections_opened")).isEqualTo(1);
    }
  }

  @Test
  void whenTheStartUpConnectionFailsTheRequestWaitingForItGetsA503AndTheNextOneConnectsAgain(ApiServer api)
      throws Exception {
    try (HeldRelay relay = new HeldRelay(api.url().getPort());
        ProxyHarness proxy = ProxyHarness.startWithMetrics(cluster(api, relay), b -> b)) {
      relay.awaitAccepted(1);
      CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> proxy.get("/api"));
      await().atMost(Duration.ofSeconds(10)).until(() -> value(proxy, "kapi_proxy_requests_in_flight") == 1);

      relay.dropHeldAndLetThrough();

      HttpResponse<String> refused = first.get(30, TimeUnit.SECONDS);
      assertThat(refused.statusCode()).isEqualTo(503);
      JsonNode status = JSON.readTree(refused.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("message").asText()).contains("closed the connection");
      assertThat(relay.accepted()).as("no second attempt for the request that waited").isEqualTo(1);

      assertThat(proxy.get("/api").statusCode()).isEqualTo(200);
      assertThat(relay.accepted()).isEqualTo(2);
    }
  }

  private static ClusterConfig cluster(ApiServer api, HeldRelay relay) {
    return ClusterConfig.builder().server(URI.create("https://127.0.0.1:" + relay.port()))
        .tls(TlsSettings.builder().caPem(api.caPem(), "test", "ca").build())
        .credentials(new StaticToken(api.adminToken())).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A gauge's or counter's value as the proxy's /metrics would show it (counters without their _total). */
  private static double value(ProxyHarness proxy, String name) {
    for (MetricSnapshot m : proxy.server.metrics().orElseThrow().registry().scrape()) {
      if (m.getMetadata().getName().equals(name) && (m instanceof GaugeSnapshot || m instanceof CounterSnapshot)) {
        double sum = 0;
        for (DataPointSnapshot d : m.getDataPoints()) {
          sum += d instanceof GaugeSnapshot.GaugeDataPointSnapshot g ? g.getValue()
              : ((CounterSnapshot.CounterDataPointSnapshot) d).getValue();
        }
        return sum;
      }
    }
    return 0;
  }

  /**
   * A TCP relay on loopback to the API server that holds every connection it accepts, forwarding nothing, until
   * {@link #letThrough}; connections accepted after that are relayed at once.
   */
  private static final class HeldRelay implements AutoCloseable {
    private final int target;
    private final ServerSocket server;
    private final List<Socket> held = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();
    private int accepted;
    private boolean through;

    HeldRelay(int target) throws IOException {
      this.target = target;
      server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      daemon("relay-accept", this::acceptLoop);
    }

    int port() {
      return server.getLocalPort();
    }

    synchronized int accepted() {
      return accepted;
    }

    void awaitAccepted(int n) {
      await().atMost(Duration.ofSeconds(30)).until(() -> accepted() >= n);
    }

    synchronized void letThrough() throws IOException {
      through = true;
      for (Socket s : held) {
        relay(s);
      }
      held.clear();
    }

    /** Closes the connections held so far (their handshakes fail) and relays every later one. */
    synchronized void dropHeldAndLetThrough() throws IOException {
      for (Socket s : held) {
        s.close();
      }
      held.clear();
      through = true;
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          synchronized (this) {
            accepted++;
            open.add(s);
            if (through) {
              relay(s);
            } else {
              held.add(s);
            }
          }
        } catch (IOException closing) {
          return;
        }
      }
    }

    private void relay(Socket client) throws IOException {
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
      open.add(upstream);
      daemon("relay-up", () -> pipe(client, upstream));
      daemon("relay-down", () -> pipe(upstream, client));
    }

    private static void pipe(Socket from, Socket to) {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException closed) {
        // either side went away; closing both ends the other direction too
      }
      closeQuietly(from);
      closeQuietly(to);
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    private static void daemon(String name, Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    }

    @Override
    public synchronized void close() throws IOException {
      server.close();
      for (Socket s : open) {
        closeQuietly(s);
      }
    }
  }
}
