package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.ProxyServer;
import dev.kapi.proxy.admin.AdminAddress;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.ConnectProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kapi proxy behind an egress proxy ({@code proxy-url}, or {@code HTTPS_PROXY}): every connection to the real API
 * server, HTTP/1.1 and HTTP/2 alike, is a CONNECT tunnel that carries the proxy's credentials, and TLS runs inside it.
 */
@ExtendWith(ApiServerExtension.class)
class EgressProxyApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("bob:s@cret".getBytes(StandardCharsets.UTF_8));

  private static RunningProxy behind(ApiServer api, String proxyUrl) {
    ClusterConfig cluster = RunningProxy.cluster(api, Credentials.staticToken(api.adminToken())).toBuilder()
        .proxy(URI.create(proxyUrl)).build();
    return new RunningProxy(ProxyServer.start(ProxyConfig.builder(cluster).port(0).build(),
        OperationsConfig.none().withAdmin(AdminAddress.parse("127.0.0.1:0"))));
  }

  @Test
  void everyConnectionToTheApiServerIsATunnelThroughTheEgressProxy(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("egress");
    try (ConnectProxy egress = new ConnectProxy(BASIC);
        RunningProxy proxy = behind(api, "http://bob:s%40cret@127.0.0.1:" + egress.port())) {
      HttpResponse<String> list = proxy.get("/api/v1/namespaces/" + ns + "/configmaps");
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(list.body()).path("kind").asText()).isEqualTo("ConfigMapList");

      // a watch goes over HTTP/2 by default: its own connection, through the proxy too
      try (var in = new BufferedReader(new InputStreamReader(proxy.http.send(HttpRequest.newBuilder(
          proxy.url("/api/v1/namespaces/" + ns + "/configmaps?watch=true")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofInputStream()).body(), StandardCharsets.UTF_8))) {
        proxy.send(HttpRequest.newBuilder(proxy.url("/api/v1/namespaces/" + ns + "/configmaps"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"through\"}}")).build());
        JsonNode event = JSON.readTree(in.readLine());
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.at("/object/metadata/name").asText()).isEqualTo("through");
      }

      assertThat(egress.seen()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(s -> {
        assertThat(s.requestLine()).isEqualTo("CONNECT 127.0.0.1:" + api.port() + " HTTP/1.1");
        assertThat(s.proxyAuthorization()).isEqualTo(BASIC);
      });
    }
  }

  @Test
  void aProxyThatRefusesTheCredentialsIsA503NamingItsAnswer(ApiServer api) throws Exception {
    try (ConnectProxy egress = new ConnectProxy(BASIC);
        RunningProxy proxy = behind(api, "http://bob:wrong@127.0.0.1:" + egress.port())) {
      HttpResponse<String> r = proxy.get("/api");
      assertThat(r.statusCode()).isEqualTo(503);
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("message").asText()).contains("407")
          .contains("(through the proxy http://127.0.0.1:" + egress.port() + ")").doesNotContain("wrong");
    }
  }
}
