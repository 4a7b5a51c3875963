package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server going away under the proxy, for real: stopped before the proxy starts, killed (SIGKILL) in the
 * middle of a watch and of a large list, and started again. Every test restarts it in {@code finally}: it is
 * shared by the whole test JVM.
 */
@ExtendWith(ApiServerExtension.class)
class ApiServerFaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anApiServerThatIsNotUpYetGets503WithRetryAfterAndTheProxyRecoversByItself(ApiServer api) throws Exception {
    PodView pod = readerPod(api, "faults-down");
    api.stopApiServer();
    try (ProxyHarness proxy = ProxyHarness.inPod(pod)) {
      HttpResponse<String> r = proxy.get("/api/v1/namespaces/faults-down/configmaps");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
      assertThat(status.path("message").asText()).contains("cannot connect to the API server").doesNotContain("\tat ");

      api.startApiServer();
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(proxy.get("/api/v1/namespaces/faults-down/configmaps").statusCode()).isEqualTo(200));
    } finally {
      ensureRunning(api);
    }
  }

  @Test
  void killedMidWatchAndMidListTheClientsAreAbortedOthersAreServedAndThePoolRecovers(ApiServer api) throws Exception {
    PodView pod = readerPod(api, "faults-kill");
    for (int i = 0; i < 120; i++) { // about 30 MB of ConfigMaps: a list still streaming when the server dies
      ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
      cm.putObject("metadata").put("name", "big-" + i);
      cm.putObject("data").put("blob", "x".repeat(250_000));
      api.admin().ensure("/api/v1/namespaces/faults-kill/configmaps", cm);
    }
    try (ProxyHarness proxy = ProxyHarness.inPod(pod);
        ProxyHarness.RawClient watch = proxy.raw(request("/api/v1/namespaces/faults-kill/configmaps?watch=1"));
        ProxyHarness.RawClient list = proxy.raw(request("/api/v1/namespaces/faults-kill/configmaps"))) {
      assertThat(watch.readHead()).startsWith("HTTP/1.1 200");
      assertThat(list.readHead()).startsWith("HTTP/1.1 200");
      assertThat(list.in.readNBytes(64 * 1024)).hasSize(64 * 1024); // then stop reading: the list stalls mid-body

      api.killApiServer();

      assertThat(watch.readToEndCleanly()).as("the watch ends with an abort, not a clean end").isFalse();
      assertThat(list.readToEndCleanly()).as("the list ends with an abort, not a clean end").isFalse();
      HttpResponse<String> meanwhile = proxy.get("/api/v1/namespaces/faults-kill/configmaps?limit=1");
      assertThat(meanwhile.statusCode()).as("others are still answered, with a Status").isEqualTo(503);
      assertThat(meanwhile.headers().firstValue("Retry-After")).isPresent();

      api.startApiServer(); // returns once the server is ready
      List<Integer> after = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = proxy.get("/api/v1/namespaces/faults-kill/configmaps?limit=1");
        after.add(r.statusCode());
        if (r.statusCode() != 200) {
          assertThat(r.headers().firstValue("Retry-After")).as("a failure after the restart is a retryable one").isPresent();
        }
      }
      assertThat(after.stream().filter(c -> c != 200)).as("at most the first request after the restart fails: " + after)
          .hasSizeLessThanOrEqualTo(1);
      assertThat(after.subList(1, after.size())).containsOnly(200);
    } finally {
      ensureRunning(api);
    }
  }

  static String request(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n";
  }

  /** A namespace, a service account that may read ConfigMaps in it, and its Pod view. */
  static PodView readerPod(ApiServer api, String ns) {
    api.createNamespace(ns);
    api.createServiceAccount(ns, "reader");
    api.createRole(ns, "reader", List.of(ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch")));
    api.bindRole(ns, "reader", "reader");
    return api.podView(ns, "reader");
  }

  static void ensureRunning(ApiServer api) {
    if (!api.isApiServerRunning()) {
      api.startApiServer();
    }
  }
}
