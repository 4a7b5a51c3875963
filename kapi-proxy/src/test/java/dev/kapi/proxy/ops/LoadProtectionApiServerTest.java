package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.load.LoadProtection;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** --max-inflight, --qps and the API server's own 429, through a proxy in front of the real API server. */
@ExtendWith(ApiServerExtension.class)
class LoadProtectionApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static void assertTooManyRequests(HttpResponse<String> r, String retryAfter, String messagePart) throws Exception {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).contains(retryAfter);
    assertStatus429(r, messagePart);
  }

  /** A 429 Status whose details.retryAfterSeconds and Retry-After agree. */
  static void assertStatus429(HttpResponse<String> r, String messagePart) throws Exception {
    assertThat(r.statusCode()).isEqualTo(429);
    String retryAfter = r.headers().firstValue("Retry-After").orElseThrow();
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode status = JSON.readTree(r.body());
    assertThat(status.get("kind").asText()).isEqualTo("Status");
    assertThat(status.get("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(status.get("code").asInt()).isEqualTo(429);
    assertThat(status.at("/details/retryAfterSeconds").asText()).isEqualTo(retryAfter);
    assertThat(status.get("message").asText()).contains(messagePart);
  }

  @Test
  void maxInflightAnswersTheExcessWith429AndRetryAfterButNeverCountsWatches(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("inflight");
    OperationsConfig ops = OperationsConfig.none().withLoad(new LoadProtection.Settings(1, 0, 0, Duration.ofSeconds(1)));
    try (RunningProxy proxy = RunningProxy.start(api, ops);
         Socket slow = new Socket("127.0.0.1", proxy.server.port())) {
      // a watch is long-running: it holds no in-flight place
      HttpResponse<InputStream> watch = proxy.http.send(HttpRequest.newBuilder(
          proxy.url("/api/v1/namespaces/" + ns + "/configmaps?watch=1")).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps").statusCode()).isEqualTo(200);

      // a create whose body is still being uploaded holds the only place
      OutputStream out = slow.getOutputStream();
      out.write(("POST /api/v1/namespaces/" + ns + "/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"slow\"}}";
      out.write(chunk(body.substring(0, 10)));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertTooManyRequests(proxy.get("/api/v1/namespaces/" + ns + "/configmaps"), "1", "--max-inflight 1"));

      out.write(chunk(body.substring(10)));
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 201");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> proxy.get("/api/v1/namespaces/" + ns + "/configmaps").statusCode() == 200);
      assertThat(proxy.metrics().value("kapi_proxy_load_rejections_total", Map.of("limit", "max-inflight")))
          .isGreaterThanOrEqualTo(1);
      watch.body().close();
    }
  }

  static byte[] chunk(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return (Integer.toHexString(b.length) + "\r\n" + s + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void qpsBeyondTheBurstAndTheQueueBoundGets429WithTheWaitAsRetryAfter(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("qps");
    // one token per 10 s, bucket of 2: two requests go at once, the third would wait 10 s > 1 s
    OperationsConfig ops = OperationsConfig.none().withLoad(new LoadProtection.Settings(0, 0.1, 2, Duration.ofSeconds(1)));
    try (RunningProxy proxy = RunningProxy.start(api, ops)) {
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps").statusCode()).isEqualTo(200);
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps?watch=1&timeoutSeconds=1").statusCode())
          .isEqualTo(200); // a watch takes one token, once
      HttpResponse<String> refused = proxy.get("/api/v1/namespaces/" + ns + "/configmaps");
      assertStatus429(refused, "--qps 0.1 --burst 2");
      // the wait its token needs: up to 10 s (one token per 10 s), less the time the two requests above took
      assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 10);
      assertThat(proxy.metrics().value("kapi_proxy_load_rejections_total", Map.of("limit", "qps"))).isEqualTo(1);
    }
  }

  @Test
  void theApiServersOwn429AndRetryAfterPassThroughUntouched(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("evict");
    api.createServiceAccount(ns, "default"); // no controller-manager here to create it
    var admin = api.admin();
    admin.post("/api/v1/namespaces/" + ns + "/pods", Map.of("apiVersion", "v1", "kind", "Pod",
        "metadata", Map.of("name", "web", "labels", Map.of("app", "web")),
        "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "registry.k8s.io/pause:3.10")))));
    // no kubelet here: mark the pod Running, so the eviction has to consult the disruption budget
    JsonNode pod = admin.get("/api/v1/namespaces/" + ns + "/pods/web");
    ((com.fasterxml.jackson.databind.node.ObjectNode) pod).putObject("status").put("phase", "Running");
    admin.put("/api/v1/namespaces/" + ns + "/pods/web/status", pod);
    admin.post("/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets", Map.of("apiVersion", "policy/v1",
        "kind", "PodDisruptionBudget", "metadata", Map.of("name", "web"),
        "spec", Map.of("minAvailable", 1, "selector", Map.of("matchLabels", Map.of("app", "web")))));
    String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"web\",\"namespace\":\""
        + ns + "\"}}";
    HttpResponse<String> direct = admin.send("POST", "/api/v1/namespaces/" + ns + "/pods/web/eviction", eviction,
        "application/json");
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      HttpResponse<String> r = proxy.send(HttpRequest.newBuilder(proxy.url("/api/v1/namespaces/" + ns + "/pods/web/eviction"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(eviction)).build());
      assertThat(direct.statusCode()).isEqualTo(429);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).isEqualTo(direct.headers().firstValue("Retry-After"))
          .isPresent();
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.get("reason").asText()).isEqualTo("TooManyRequests");
      assertThat(status.get("message").asText()).contains("disruption budget");
      assertThat(r.body()).isEqualTo(direct.body());
      assertThat(proxy.metrics().value("kapi_proxy_requests_total",
          Map.of("verb", "create", "resource", "pods", "subresource", "eviction", "code", "429"))).isEqualTo(1);
    }
  }
}
