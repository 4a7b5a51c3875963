package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.policy.RequestInfoParser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writesOneJsonObjectPerRequestWithTheDocumentedFields() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    ObservedExchangeTest.FakeClock clock = new ObservedExchangeTest.FakeClock();
    ObservedExchange e = ObservedExchange.start(new LineLog(lines::add, AccessLog::format), clock, "GET",
        "/api/v1/namespaces/demo/configmaps?limit=500&token=abc.def",
        RequestInfoParser.parse("GET", "/api/v1/namespaces/demo/configmaps", Map.of()), ExchangeKind.UNARY,
        "kubectl/v1.32.4 (linux/amd64)");
    clock.advance(java.time.Duration.ofMillis(12));
    e.responseStarted(200, "5d0e6f0a-aaaa");
    e.toClient(2048);
    clock.advance(java.time.Duration.ofMillis(3));
    e.completed();

    assertThat(lines).hasSize(1);
    String line = lines.get(0);
    assertThat(line).doesNotContain("\n").doesNotContain("abc.def");
    JsonNode j = JSON.readTree(line);
    assertThat(j.get("time").asText()).isEqualTo("2025-01-02T03:04:05.678Z");
    assertThat(j.get("verb").asText()).isEqualTo("list");
    assertThat(j.get("method").asText()).isEqualTo("GET");
    assertThat(j.get("path").asText()).isEqualTo("/api/v1/namespaces/demo/configmaps?limit=500&token=REDACTED");
    assertThat(j.get("resource").asText()).isEqualTo("configmaps");
    assertThat(j.get("namespace").asText()).isEqualTo("demo");
    assertThat(j.get("status").asInt()).isEqualTo(200);
    assertThat(j.get("bytesOut").asLong()).isEqualTo(2048);
    assertThat(j.get("bytesIn").asLong()).isZero();
    assertThat(j.get("firstByteMs").asDouble()).isEqualTo(12.0);
    assertThat(j.get("durationMs").asDouble()).isEqualTo(15.0);
    assertThat(j.get("userAgent").asText()).isEqualTo("kubectl/v1.32.4 (linux/amd64)");
    assertThat(j.get("auditId").asText()).isEqualTo("5d0e6f0a-aaaa");
    assertThat(j.get("kind").asText()).isEqualTo("unary");
    assertThat(j.get("outcome").asText()).isEqualTo("completed");
  }

  @Test
  void namesTheRejectingRuleAndAnAbortCause() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    LineLog log = new LineLog(lines::add, AccessLog::format);
    ObservedExchange denied = ObservedExchange.start(log, "POST", "/api/v1/namespaces/x/pods/p/exec?command=sh",
        RequestInfoParser.parse("POST", "/api/v1/namespaces/x/pods/p/exec", Map.of()), ExchangeKind.UPGRADE, "");
    denied.rejected(Rejection.filter("reject-paths"));
    denied.responseStarted(403, "");
    denied.completed();
    ObservedExchange cut = ObservedExchange.start(log, "GET", "/api/v1/pods?watch=1",
        RequestInfoParser.parse("GET", "/api/v1/pods", Map.of("watch", "1")), ExchangeKind.STREAM, "");
    cut.aborted("upstream closed mid-stream");

    JsonNode a = JSON.readTree(lines.get(0));
    assertThat(a.get("rejectedBy").asText()).isEqualTo("filter:reject-paths");
    assertThat(a.get("outcome").asText()).isEqualTo("rejected");
    assertThat(a.get("subresource").asText()).isEqualTo("exec");
    JsonNode b = JSON.readTree(lines.get(1));
    assertThat(b.get("status").asInt()).isZero();
    assertThat(b.get("firstByteMs").isNull()).isTrue();
    assertThat(b.get("abortCause").asText()).isEqualTo("upstream closed mid-stream");
    assertThat(b.get("verb").asText()).isEqualTo("watch");
  }

  @Test
  void linesTheWriterCannotKeepUpWithAreCountedInALineOfTheLogsOwnFormat() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream stuckCollector = new OutputStream() { // a log collector that stops reading for a while
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        stalled.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        bytes.write(b, off, len);
      }
    };
    AsyncLineWriter w = new AsyncLineWriter(new PrintStream(stuckCollector, true, StandardCharsets.UTF_8), "test-log",
        2, AccessLog::droppedNotice);
    w.accept("{\"n\":0}");
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 5; i++) {
      w.accept("{\"n\":" + i + "}"); // two fit in the queue, three do not
    }
    assertThat(w.dropped()).isEqualTo(3);
    release.countDown();
    w.close();
    assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n"))
        .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"accessLogDropped\":3}");
  }

  @Test
  void theAsyncWriterWritesWholeLinesAndFlushesOnClose() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AsyncLineWriter w = new AsyncLineWriter(new PrintStream(bytes, true, StandardCharsets.UTF_8), "test-log", 1024,
        AccessLog::droppedNotice);
    for (int i = 0; i < 500; i++) {
      w.accept("{\"n\":" + i + "}");
    }
    w.close();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(500);
    assertThat(lines[499]).isEqualTo("{\"n\":499}");
    assertThat(w.dropped()).isZero();
  }
}
