package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.StaticToken;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 100 MB list read by a slow client, and a client that goes away mid-stream. The upstream is a local fake
 * (plain HTTP) that writes the 100 MB as fast as the proxy lets it, because the point is the size, not the API
 * server; the real API server's faults are in {@link ApiServerFaultsTest}. Backpressure must hold the proxy's
 * buffers to a small multiple of its write-buffer water mark, and a vanished client must release the upstream
 * connection instead of leaving it (and the upstream's work) behind.
 */
class SlowAndVanishingClientsTest {

  private static final long BODY = 100L * 1024 * 1024;

  private HttpServer upstream;
  private final AtomicLong upstreamWritten = new AtomicLong();
  private final AtomicBoolean upstreamSawClose = new AtomicBoolean();
  private ProxyHarness proxy;

  @BeforeEach
  void fakeUpstreamAndProxy() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    upstream.createContext("/api/v1/namespaces/big/configmaps", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0); // chunked
      byte[] piece = new byte[64 * 1024];
      Arrays.fill(piece, (byte) 'x');
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("{\"kind\":\"ConfigMapList\",\"items\":[],\"pad\":\"".getBytes(StandardCharsets.US_ASCII));
        for (long sent = 0; sent < BODY; sent += piece.length) {
          out.write(piece);
          upstreamWritten.addAndGet(piece.length);
        }
        out.write("\"}".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException closedByProxy) {
        upstreamSawClose.set(true);
      }
    });
    upstream.start();
    ClusterConfig cluster = ClusterConfig.builder().server("http://127.0.0.1:" + upstream.getAddress().getPort())
        .credentials(new StaticToken("t")).build();
    proxy = ProxyHarness.start(cluster, b -> b);
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop(0);
  }

  @Test
  void aSlowClientReading100MegabytesKeepsTheProxysBuffersSmall() throws Exception {
    long maxDirect = 0;
    long maxAhead = 0;
    long read = 0;
    try (ProxyHarness.RawClient client = proxy.raw("GET /api/v1/namespaces/big/configmaps HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n")) {
      assertThat(client.readHead()).startsWith("HTTP/1.1 200");
      byte[] buf = new byte[64 * 1024];
      int n;
      int reads = 0;
      while ((n = client.in.read(buf)) > 0) {
        read += n;
        if (++reads % 16 == 0) {
          Thread.sleep(2); // a slow reader: about 0.5 GB/s at most, far below what loopback and the proxy can do
          maxDirect = Math.max(maxDirect, usedDirectMemory());
          maxAhead = Math.max(maxAhead, upstreamWritten.get() - read);
        }
      }
    }
    assertThat(read).as("the whole body arrived").isGreaterThan(BODY);
    System.out.printf("100 MB list, slow client: proxy direct memory at most %.1f MiB; upstream at most %.1f MiB ahead"
        + " of the client%n", maxDirect / 1048576.0, maxAhead / 1048576.0);
    assertThat(maxDirect).as("the proxy's pooled direct memory while streaming 100 MB").isLessThan(32L * 1024 * 1024);
    assertThat(maxAhead).as("how far the upstream ran ahead of the client: backpressure, not buffering")
        .isLessThan(32L * 1024 * 1024);
  }

  @Test
  void aClientThatDisconnectsMidStreamReleasesTheUpstreamConnection() throws Exception {
    try (ProxyHarness.RawClient client = proxy.raw(ApiServerFaultsTest.request("/api/v1/namespaces/big/configmaps"))) {
      assertThat(client.readHead()).startsWith("HTTP/1.1 200");
      assertThat(client.in.readNBytes(1024 * 1024)).hasSize(1024 * 1024);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(upstreamSawClose);
    assertThat(upstreamWritten.get()).as("the upstream stopped long before the end of the body").isLessThan(BODY);
  }

  private static long usedDirectMemory() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : -1;
  }
}
