package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.StaticToken;
import dev.kapi.proxy.Limits;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every hard limit, hit on purpose: the answer is a Kubernetes Status with the right code (then the connection
 * closes), nothing reaches the upstream, and the rejection is counted under the limit's name. The upstream is a
 * tiny local stand-in that answers everything with 200 — and upgrades with 101, then holds the tunnel — because the
 * limits act before anything goes upstream; the proxy's behaviour with the real API server is in the other tests.
 */
class LimitsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Limits SMALL = new Limits(2048, 512, 1000, Duration.ofSeconds(1), 3, 1, 0);

  private ServerSocket upstream;
  private final AtomicInteger upstreamRequests = new AtomicInteger();
  private final List<Socket> upstreamSockets = new ArrayList<>();
  private ProxyHarness proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serveUpstream, "fake-upstream");
    t.setDaemon(true);
    t.start();
    ClusterConfig cluster = ClusterConfig.builder().server("http://127.0.0.1:" + upstream.getLocalPort())
        .credentials(new StaticToken("t")).build();
    proxy = ProxyHarness.startWithMetrics(cluster, b -> b.limits(SMALL));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    upstream.close();
    synchronized (upstreamSockets) {
      for (Socket s : upstreamSockets) {
        s.close();
      }
    }
  }

  @Test
  void aHeaderBlockOverTheLimitIs431() throws Exception {
    assertRefused("GET /api HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n", 431,
        Limits.HEADER_BYTES);
  }

  @Test
  void aRequestTargetOverTheLimitIs414() throws Exception {
    assertRefused("GET /api/" + "a".repeat(600) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, Limits.REQUEST_TARGET_BYTES);
  }

  @Test
  void aDeclaredBodyOverTheLimitIs413BeforeAnyOfItIsRead() throws Exception {
    assertRefused("POST /api/v1/namespaces/a/configmaps HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5000\r\n\r\n{", 413, Limits.REQUEST_BODY_BYTES);
    // a client that sends the head and the body in one go and reads after: closed with the body unread, the
    // socket was reset, and the client's kernel dropped the 413 it had received or failed its write
    for (int i = 0; i < 5; i++) {
      try (ProxyHarness.RawClient eager = proxy.raw("POST /api/v1/namespaces/a/configmaps HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: 2000000\r\n\r\n" + "x".repeat(2_000_000))) {
        assertThat(eager.readHead()).as("attempt %d", i).startsWith("HTTP/1.1 413");
      }
    }
  }

  @Test
  void aBodyForAWorkloadBehindTheApiServersProxyIsNotLimitedAsTheApiServerDoesNotLimitIt() throws Exception {
    // kube-apiserver streams pods/services/nodes .../proxy bodies through without its 3 MiB limit; so does kubectl proxy
    String body = "x".repeat(5000);
    try (ProxyHarness.RawClient c = proxy.raw("POST /api/v1/namespaces/a/pods/p:8080/proxy/upload HTTP/1.1\r\n"
        + "Host: localhost\r\nContent-Length: 5000\r\n\r\n" + body)) {
      assertThat(c.readHead()).startsWith("HTTP/1.1 200");
    }
    String chunk = "x".repeat(600);
    try (ProxyHarness.RawClient c = proxy.raw("POST /api/v1/namespaces/a/services/s/proxy/upload HTTP/1.1\r\n"
        + "Host: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + ("258\r\n" + chunk + "\r\n").repeat(3) + "0\r\n\r\n")) {
      assertThat(c.readHead()).startsWith("HTTP/1.1 200");
    }
    assertThat(rejected(Limits.REQUEST_BODY_BYTES)).isZero();
    // the stand-in answers before reading a body, so it may read the rest as one more "request": at least both
    assertThat(upstreamRequests).hasValueGreaterThanOrEqualTo(2);
  }

  @Test
  void aChunkedBodyThatGrowsOverTheLimitIs413() throws Exception {
    String chunk = "x".repeat(600);
    String req = "POST /api/v1/namespaces/a/configmaps HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk
        + "\r\n0\r\n\r\n";
    try (ProxyHarness.RawClient c = proxy.raw(req)) {
      String head = c.readHead();
      // the upstream may have answered before the body grew too large; then the connection is cut instead
      if (head.startsWith("HTTP/1.1 413")) {
        assertThat(c.in.readAllBytes()).isNotEmpty();
      }
    }
    assertThat(rejected(Limits.REQUEST_BODY_BYTES)).isEqualTo(1);
  }

  @Test
  void aClientThatLeavesMidHeadersIsNotAMalformedRequest() throws Exception {
    // 1,500 clients that simply disconnected once showed as 1,500 malformed 400s: enough to trip a 4xx alert
    for (int i = 0; i < 5; i++) {
      proxy.raw("GET /api HTTP/1.1\r\nHost: loc").close(); // and gone
    }
    org.awaitility.Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> rejected(Limits.MALFORMED) == 0);
    assertThat(upstreamRequests).hasValue(0);
  }

  @Test
  void aClientThatSendsItsHeadersTooSlowlyGets408AndIsClosed() throws Exception {
    try (ProxyHarness.RawClient c = proxy.raw("GET /api HTTP/1.1\r\nHost: loc")) { // and then nothing
      String head = c.readHead();
      assertThat(head).startsWith("HTTP/1.1 408");
      assertStatus(c, 408);
      assertThat(c.in.read()).as("closed").isEqualTo(-1);
    }
    assertThat(rejected(Limits.HEADER_READ_TIMEOUT)).isEqualTo(1);
    assertThat(upstreamRequests).hasValue(0);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedQuietly() throws Exception {
    try (ProxyHarness.RawClient c = proxy.raw("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n")) {
      assertThat(c.readHead()).startsWith("HTTP/1.1 200");
      c.in.readNBytes(2); // the body: "{}"
      assertThat(c.in.read()).as("closed after the header-read timeout, with no 408").isEqualTo(-1);
    }
    assertThat(rejected(Limits.HEADER_READ_TIMEOUT)).isZero();
  }

  @Test
  void connectionsOverTheLimitGet503AndAreClosed() throws Exception {
    List<ProxyHarness.RawClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < SMALL.maxConnections(); i++) {
        ProxyHarness.RawClient c = proxy.raw("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(c.readHead()).startsWith("HTTP/1.1 200");
        held.add(c);
      }
      try (ProxyHarness.RawClient extra = proxy.raw("")) {
        assertThat(extra.readHead()).startsWith("HTTP/1.1 503");
        assertStatus(extra, 503);
      }
      assertThat(rejected(Limits.CONNECTIONS)).isEqualTo(1);
    } finally {
      for (ProxyHarness.RawClient c : held) {
        c.close();
      }
    }
  }

  @Test
  void upgradesOverTheLimitGet429() throws Exception {
    String upgrade = "POST /api/v1/namespaces/a/pods/p/portforward HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
        + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n";
    try (ProxyHarness.RawClient first = proxy.raw(upgrade)) {
      assertThat(first.readHead()).startsWith("HTTP/1.1 101");
      try (ProxyHarness.RawClient second = proxy.raw(upgrade)) {
        assertThat(second.readHead()).startsWith("HTTP/1.1 429");
        assertStatus(second, 429);
      }
      assertThat(rejected(Limits.UPGRADES)).isEqualTo(1);
      assertThat(rejected("kapi_proxy_load_rejections", Limits.UPGRADES)).as("one 429, one counter").isZero();
    }
  }

  @Test
  void oneClientConnectionHoldsAtMostOneUpstreamConnectionHoweverManyRequestsItPipelines() throws Exception {
    String get = "GET /api/v1/namespaces/a/configmaps HTTP/1.1\r\nHost: localhost\r\n\r\n";
    try (ProxyHarness.RawClient c = proxy.raw(get.repeat(20))) {
      for (int i = 0; i < 20; i++) {
        assertThat(c.readHead()).as("response " + i).endsWith("\r\n\r\n");
        assertThat(c.in.readNBytes(2)).hasSize(2);
      }
    }
    assertThat(upstreamRequests).hasValue(20);
    synchronized (upstreamSockets) {
      // served one after the other on one pooled connection (plus, at most, the one the proxy opened at start)
      assertThat(upstreamSockets).hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void malformedHttpIs400AndTheConnectionCloses() throws Exception {
    assertRefused("THIS IS NOT HTTP\r\n\r\n", 400, Limits.MALFORMED);
  }

  private void assertRefused(String request, int code, String limit) throws Exception {
    try (ProxyHarness.RawClient c = proxy.raw(request)) {
      assertThat(c.readHead()).startsWith("HTTP/1.1 " + code);
      assertStatus(c, code);
      assertThat(c.in.read()).as("closed").isEqualTo(-1);
    }
    assertThat(rejected(limit)).as("counted as " + limit).isEqualTo(1);
    assertThat(upstreamRequests).as("nothing reached the upstream").hasValue(0);
  }

  /** kapi_proxy_limit_rejections_total{limit=…}, as /metrics would show it. */
  private long rejected(String limit) {
    return rejected("kapi_proxy_limit_rejections", limit);
  }

  private long rejected(String counter, String limit) {
    for (MetricSnapshot m : proxy.server.metrics().orElseThrow().registry().scrape()) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals(counter)) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          if (limit.equals(d.getLabels().get("limit"))) {
            return (long) d.getValue();
          }
        }
      }
    }
    return 0;
  }

  private static void assertStatus(ProxyHarness.RawClient c, int code) throws IOException {
    JsonNode status = JSON.readTree(c.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("code").asInt()).isEqualTo(code);
    assertThat(status.path("message").asText()).isNotBlank();
  }

  /** Answers each request with 200 "{}", and an upgrade with 101 and then silence (the tunnel stays open). */
  private void serveUpstream() {
    while (!upstream.isClosed()) {
      try {
        Socket s = upstream.accept();
        synchronized (upstreamSockets) {
          upstreamSockets.add(s);
        }
        Thread t = new Thread(() -> serveConnection(s), "fake-upstream-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closing) {
        return;
      }
    }
  }

  private void serveConnection(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      while (true) {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
          head.append((char) b);
          if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
            break;
          }
        }
        if (b < 0) {
          return;
        }
        upstreamRequests.incrementAndGet();
        if (head.toString().toLowerCase().contains("\r\nupgrade:")) {
          out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          while (in.read() >= 0) {
            // hold the tunnel open until the proxy closes it
          }
          return;
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException gone) {
      // the proxy closed the connection
    }
  }
}
