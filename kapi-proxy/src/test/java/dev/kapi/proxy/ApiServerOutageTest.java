package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API server goes away and comes back: clients get a retryable Status meanwhile, then normal answers. */
@ExtendWith(ApiServerExtension.class)
class ApiServerOutageTest {

  @Test
  void answers503WithRetryAfterWhileTheApiServerIsDownAndRecoversByItself(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("outage");
    List<ApiServer.Rule> rules = List.of(ApiServer.Rule.of("", List.of("configmaps"), "get", "list"));
    try (PodProxy p = PodProxy.start(api, ns, "app", rules, b -> { })) {
      String path = "/api/v1/namespaces/" + ns + "/configmaps";
      assertThat(p.get(path).statusCode()).isEqualTo(200);
      try {
        api.stopApiServer();
        HttpResponse<byte[]> down = p.get(path);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).contains("1");
        JsonNode status = new ObjectMapper().readTree(down.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
        assertThat(status.path("message").asText())
            .startsWith("cannot connect to the API server https://127.0.0.1:" + api.port())
            .contains("Connection refused");
      } finally {
        if (!api.isApiServerRunning()) {
          api.startApiServer();
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> p.get(path).statusCode() == 200);
    }
  }
}
