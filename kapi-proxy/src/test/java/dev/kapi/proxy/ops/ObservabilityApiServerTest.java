package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.Credentials;
import dev.kapi.config.TokenFile;
import dev.kapi.proxy.Limits;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.observe.LineSink;
import dev.kapi.proxy.testsupport.PrometheusText;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Metrics, readiness and the access log of a proxy in front of the real API server. */
@ExtendWith(ApiServerExtension.class)
class ObservabilityApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, Object> configMap(String name) {
    return Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", name),
        "data", Map.of("k", "v"));
  }

  @Test
  void metricsParsedByPrometheusClientCountTheRequestsSent(ApiServer api) {
    String ns = api.uniqueNamespace("metrics");
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      for (int i = 0; i < 7; i++) {
        assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps").statusCode()).isEqualTo(200);
      }
      assertThat(proxy.get("/apis/apps/v1/namespaces/" + ns + "/deployments/missing").statusCode()).isEqualTo(404);
      HttpResponse<String> created = proxy.send(HttpRequest.newBuilder(proxy.url("/api/v1/namespaces/" + ns + "/configmaps"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
              + "\"metadata\":{\"name\":\"one\"}}")).build());
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/pods/x/exec").statusCode()).isEqualTo(403);

      PrometheusText m = proxy.metrics();
      assertThat(m.value("kapi_proxy_requests_total",
          Map.of("verb", "list", "group", "", "resource", "configmaps", "code", "200"))).isEqualTo(7);
      assertThat(m.value("kapi_proxy_requests_total",
          Map.of("verb", "get", "group", "apps", "resource", "deployments", "code", "404"))).isEqualTo(1);
      assertThat(m.value("kapi_proxy_requests_total", Map.of("verb", "create", "resource", "configmaps", "code", "201")))
          .isEqualTo(1);
      assertThat(m.value("kapi_proxy_filter_rejections_total", Map.of("rule", "reject-paths"))).isEqualTo(1);
      assertThat(m.value("kapi_proxy_upstream_requests_total", Map.of())).isEqualTo(9);
      assertThat(m.value("kapi_proxy_upstream_connections_opened_total", Map.of())).isGreaterThanOrEqualTo(1);
      assertThat(m.value("kapi_proxy_upstream_connections_open", Map.of())).isGreaterThanOrEqualTo(1);
      assertThat(m.value("kapi_proxy_request_duration_seconds_count", Map.of("verb", "list"))).isEqualTo(7);
      assertThat(m.value("kapi_proxy_request_first_byte_seconds_count", Map.of("verb", "list"))).isEqualTo(7);
      assertThat(m.value("kapi_proxy_received_bytes_total", Map.of())).isGreaterThan(50);
      assertThat(m.value("kapi_proxy_sent_bytes_total", Map.of())).isGreaterThan(7 * 50);
      assertThat(m.value("kapi_proxy_requests_in_flight", Map.of())).isZero();
      assertThat(m.hasFamily("jvm_memory_used_bytes")).isTrue();
    }
  }

  @Test
  void anOpenWatchShowsInTheGaugeAndNotInTheCompletionHistogram(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("watchgauge");
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      HttpResponse<java.io.InputStream> watch = proxy.http.send(HttpRequest.newBuilder(
          proxy.url("/api/v1/namespaces/" + ns + "/configmaps?watch=true")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> proxy.metrics().value("kapi_proxy_watches_open", Map.of()) == 1);
      watch.body().close();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> proxy.metrics().value("kapi_proxy_watches_open", Map.of()) == 0);
      PrometheusText m = proxy.metrics();
      assertThat(m.value("kapi_proxy_requests_total", Map.of("verb", "watch", "resource", "configmaps", "code", "200")))
          .isEqualTo(1);
      assertThat(m.matching("kapi_proxy_request_duration_seconds_count", Map.of("verb", "watch"))).isEmpty();
      assertThat(m.value("kapi_proxy_request_first_byte_seconds_count", Map.of("verb", "watch"))).isEqualTo(1);
    }
  }

  @Test
  void theAdminListenerHoldsAHandfulOfConnectionsNotAsManyAsANeighbourOpens(ApiServer api) throws Exception {
    // a neighbour holding admin connections open once kept /livez from ever answering again
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
      try {
        int port = proxy.server.adminAddress().orElseThrow().getPort();
        for (int i = 0; i < 64; i++) {
          java.net.Socket s = new java.net.Socket("127.0.0.1", port);
          s.getOutputStream().write("GET /livez HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // never ends
          held.add(s);
        }
        try (java.net.Socket extra = new java.net.Socket("127.0.0.1", port)) {
          extra.setSoTimeout(10_000);
          assertThat(extra.getInputStream().read()).as("beyond the cap a connection is closed at once").isEqualTo(-1);
        }
      } finally {
        for (java.net.Socket s : held) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> proxy.admin("/livez").statusCode() == 200);
    }
  }

  @Test
  void readinessFlipsTo503NamingTheApiServerWhenItStopsAndRecovers(ApiServer api) {
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none().withReadyFreshness(Duration.ofSeconds(1)))) {
      assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
      assertThat(proxy.admin("/readyz?verbose").body())
          .contains("[+]token ok", "[+]ca ok", "[+]api-server ok", "[+]shutdown ok");
      assertThat(proxy.admin("/livez").statusCode()).isEqualTo(200);
      try {
        api.stopApiServer();
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.admin("/readyz").statusCode() == 503);
        HttpResponse<String> down = proxy.admin("/readyz");
        assertThat(down.body()).contains("[-]api-server failed: API server not reached: connect_refused")
            .contains("[+]token ok").endsWith("readyz check failed\n");
        assertThat(proxy.admin("/livez").statusCode()).isEqualTo(200);
        assertThat(proxy.get("/api/v1/namespaces").statusCode()).isEqualTo(503);
      } finally {
        api.startApiServer();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> proxy.admin("/readyz").statusCode() == 200);
      assertThat(proxy.metrics().value("kapi_proxy_upstream_errors_total", Map.of("cause", "connect_refused")))
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void readinessReportsATokenExpiredByItsExpClaim(ApiServer api, @TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, api.adminToken()); // not a JWT: no expiry known, ready
    try (RunningProxy proxy = RunningProxy.start(api, new TokenFile(tokenFile), OperationsConfig.none())) {
      assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
      long expired = Instant.now().minusSeconds(120).getEpochSecond();
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String stale = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(("{\"exp\":" + expired + "}").getBytes(StandardCharsets.UTF_8)) + ".c2ln";
      Files.writeString(tokenFile, stale);
      HttpResponse<String> r = proxy.admin("/readyz");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("[-]token failed: token file " + tokenFile + " expired at ")
          .contains("by its exp claim").doesNotContain(stale);
      assertThat(proxy.get("/api/v1/namespaces").statusCode()).isEqualTo(401); // the API server agrees
    }
  }

  @Test
  void accessLogLinesAreJsonWithTheFieldsAndNeverAToken(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("accesslog");
    List<String> lines = new CopyOnWriteArrayList<>();
    String proxyToken = api.adminToken();
    try (RunningProxy proxy = RunningProxy.start(api,
        OperationsConfig.none().withAccessLog(Optional.of((LineSink) lines::add)))) {
      HttpResponse<String> list = proxy.send(HttpRequest.newBuilder(
          proxy.url("/api/v1/namespaces/" + ns + "/configmaps?limit=5&access_token=hunter2"))
          .header("User-Agent", "access-log-test/1.0").build());
      assertThat(list.statusCode()).isEqualTo(200);
      HttpResponse<String> own = proxy.send(HttpRequest.newBuilder(proxy.url("/api/v1/namespaces/" + ns + "/secrets"))
          .header("Authorization", "Bearer client-own-token-xyz").build());
      assertThat(own.statusCode()).isEqualTo(401);
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/pods/p/attach").statusCode()).isEqualTo(403);

      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 3);
      for (String line : lines) {
        assertThat(line).doesNotContain(proxyToken).doesNotContain("client-own-token-xyz").doesNotContain("hunter2")
            .doesNotContain("\n");
        JsonNode j = JSON.readTree(line);
        for (String field : List.of("time", "verb", "path", "resource", "namespace", "status", "bytesOut",
            "durationMs", "userAgent", "auditId")) {
          assertThat(j.has(field)).as(field + " in " + line).isTrue();
        }
      }
      JsonNode first = JSON.readTree(lines.get(0));
      assertThat(first.get("verb").asText()).isEqualTo("list");
      assertThat(first.get("resource").asText()).isEqualTo("configmaps");
      assertThat(first.get("namespace").asText()).isEqualTo(ns);
      assertThat(first.get("status").asInt()).isEqualTo(200);
      assertThat(first.get("path").asText()).endsWith("?limit=5&access_token=REDACTED");
      assertThat(first.get("userAgent").asText()).isEqualTo("access-log-test/1.0");
      assertThat(first.get("auditId").asText()).isEqualTo(list.headers().firstValue("Audit-Id").orElseThrow());
      assertThat(first.get("bytesOut").asLong()).isEqualTo(list.body().getBytes(StandardCharsets.UTF_8).length);
      assertThat(JSON.readTree(lines.get(1)).get("status").asInt()).isEqualTo(401);
      JsonNode denied = JSON.readTree(lines.get(2));
      assertThat(denied.get("status").asInt()).isEqualTo(403);
      assertThat(denied.get("rejectedBy").asText()).isEqualTo("filter:reject-paths");

      // a request refused by a hard limit names the limit, not "malformed"
      HttpResponse<String> tooLong = proxy.get("/api/v1/namespaces/" + ns + "/configmaps?x=" + "a".repeat(40_000));
      assertThat(tooLong.statusCode()).isEqualTo(414);
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 4);
      assertThat(JSON.readTree(lines.get(3)).get("rejectedBy").asText()).isEqualTo("limit:max-request-target-bytes");
    }
  }
  @Test
  void everyAnswerTheProxyGivesIsLoggedAndCountedEvenWithoutAFullRequest(ApiServer api) throws Exception {
    // a 413 for a chunked body cut at the limit, a 408 for headers that never finished and a 503 beyond
    // --max-connections: answers a client got, so the access log and requests_total hold them too
    String ns = api.uniqueNamespace("unread");
    List<String> lines = new CopyOnWriteArrayList<>();
    Limits small = new Limits(Limits.DEFAULTS.maxHeaderBytes(), Limits.DEFAULTS.maxRequestTargetBytes(), 1000,
        Duration.ofSeconds(1), 2, Limits.DEFAULTS.maxUpgrades(), 0);
    try (RunningProxy proxy = RunningProxy.start(api, Credentials.staticToken(api.adminToken()),
        OperationsConfig.none().withAccessLog(Optional.of((LineSink) lines::add)), b -> b.limits(small))) {
      // the API server reads a whole body before it answers, so the proxy's 413 comes first
      String chunk = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"k\":\"" + "x".repeat(700) + "\"}}";
      try (Socket s = new Socket("127.0.0.1", proxy.server.port())) {
        s.getOutputStream().write(("POST /api/v1/namespaces/" + ns + "/configmaps HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").repeat(2)).getBytes(StandardCharsets.UTF_8));
        RawHttp.Response r = RawHttp.readBody(RawHttp.readHead(s.getInputStream()), s.getInputStream());
        assertThat(r.status()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("reason").asText()).isEqualTo("RequestEntityTooLarge");
        assertThat(s.getInputStream().read()).as("closed").isEqualTo(-1);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 1);
      JsonNode tooLarge = JSON.readTree(lines.get(0));
      assertThat(tooLarge.get("status").asInt()).isEqualTo(413);
      assertThat(tooLarge.get("outcome").asText()).isEqualTo("rejected");
      assertThat(tooLarge.get("rejectedBy").asText()).isEqualTo("limit:max-request-body-bytes");
      assertThat(tooLarge.get("resource").asText()).isEqualTo("configmaps");
      try (Socket s = new Socket("127.0.0.1", proxy.server.port())) { // closed after, so it holds no connection slot
        s.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/configmaps HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response list = RawHttp.readBody(RawHttp.readHead(s.getInputStream()), s.getInputStream());
        assertThat(JSON.readTree(list.body()).get("items")).as("nothing created").isEmpty();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 2);

      try (Socket slow = new Socket("127.0.0.1", proxy.server.port())) {
        slow.getOutputStream().write("GET /api HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII));
        assertThat(RawHttp.readHead(slow.getInputStream())).startsWith("HTTP/1.1 408");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 3);
      JsonNode timedOut = JSON.readTree(lines.get(2));
      assertThat(timedOut.get("status").asInt()).isEqualTo(408);
      assertThat(timedOut.get("rejectedBy").asText()).isEqualTo("limit:header-read-timeout");
      assertThat(timedOut.get("method").asText()).isEmpty();

      try (Socket a = new Socket("127.0.0.1", proxy.server.port()); Socket b = new Socket("127.0.0.1", proxy.server.port())) {
        // two connections held (each proven open by a response), then a third
        for (Socket held : List.of(a, b)) {
          held.getOutputStream().write("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(RawHttp.readBody(RawHttp.readHead(held.getInputStream()), held.getInputStream()).status()).isEqualTo(200);
        }
        try (Socket third = new Socket("127.0.0.1", proxy.server.port())) {
          assertThat(RawHttp.readHead(third.getInputStream())).startsWith("HTTP/1.1 503");
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 6);
      JsonNode busy = JSON.readTree(lines.get(5));
      assertThat(busy.get("status").asInt()).isEqualTo(503);
      assertThat(busy.get("rejectedBy").asText()).isEqualTo("limit:max-connections");

      PrometheusText m = proxy.metrics();
      for (String code : List.of("413", "408", "503")) {
        assertThat(m.sum("kapi_proxy_requests_total", Map.of("code", code))).as(code).isEqualTo(1);
      }
    }
  }
}
