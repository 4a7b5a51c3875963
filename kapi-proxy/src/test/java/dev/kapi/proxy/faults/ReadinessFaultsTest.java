package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.TlsSettings;
import dev.kapi.config.TokenFile;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.ProxyServer;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the admin listener's {@code /readyz} says about faults a client cannot see yet: an API server that is
 * not up (not ready until it is, then ready by itself) and a token past its own {@code exp} claim.
 */
@ExtendWith(ApiServerExtension.class)
class ReadinessFaultsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readinessIsFalseWhileTheApiServerIsDownAndRecoversByItself(ApiServer api) throws Exception {
    PodView pod = ApiServerFaultsTest.readerPod(api, "ready-down");
    api.stopApiServer();
    try (ProxyServer proxy = startWithAdmin(ProxyHarness.inCluster(pod))) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> r = readyz(proxy);
        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(r.body()).contains("[-]").contains("readyz check failed");
      });

      api.startApiServer();
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(readyz(proxy).statusCode()).isEqualTo(200));
    } finally {
      ApiServerFaultsTest.ensureRunning(api);
    }
  }

  @Test
  void aTokenPastItsExpClaimMakesTheProxyUnreadyAndSaysSo(ApiServer api, @TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    long exp = Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond();
    Files.writeString(token, jwt("{\"iss\":\"kapi-test\",\"sub\":\"system:serviceaccount:x:y\",\"exp\":" + exp + "}"));
    ClusterConfig cluster = ClusterConfig.builder().server(api.url()).tls(TlsSettings.trustCaFile(api.caFile()))
        .credentials(new TokenFile(token)).build();
    try (ProxyServer proxy = startWithAdmin(cluster)) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> r = readyz(proxy);
        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(r.body()).contains("[-]token failed").contains("by its exp claim");
      });
    }
  }

  private static ProxyServer startWithAdmin(ClusterConfig cluster) {
    return ProxyServer.start(ProxyConfig.builder(cluster).port(0).build(),
        OperationsConfig.none().withAdmin(Optional.of(new InetSocketAddress("127.0.0.1", 0))));
  }

  private HttpResponse<String> readyz(ProxyServer proxy) throws Exception {
    InetSocketAddress admin = proxy.adminAddress().orElseThrow();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/readyz?verbose"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JWT-shaped token (unsigned: only its claims matter to the proxy). */
  private static String jwt(String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }
}
