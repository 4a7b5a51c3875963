package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.testsupport.PrometheusText;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** --cache-discovery with real kubectl runs against the real API server. */
@ExtendWith(ApiServerExtension.class)
class DiscoveryCacheApiServerTest {

  @Test
  void kubectlApiResourcesGivesTheSameAnswerWithFewerUpstreamRequests(ApiServer api, @TempDir Path work) {
    List<String> args = List.of("api-resources");
    KubectlDiscovery.Result plain = KubectlDiscovery.measure(api, false, 4, args, work);
    KubectlDiscovery.Result cached = KubectlDiscovery.measure(api, true, 4, args, work);

    assertThat(cached.lastOutput()).isEqualTo(plain.lastOutput()).contains("configmaps").contains("deployments");
    assertThat(cached.clientRequests()).as(plain + " vs " + cached).isEqualTo(plain.clientRequests());
    assertThat(plain.upstreamRequests()).isEqualTo(plain.clientRequests());
    // the first run fetches each document once; the three after it are served from memory
    assertThat(cached.cacheHits()).isGreaterThanOrEqualTo(3 * 2);
    assertThat(cached.upstreamRequests()).isLessThanOrEqualTo(plain.upstreamRequests() / 4 + 1);
  }

  @Test
  void aClientWithItsOwnCredentialIsNeverServedADocumentFetchedWithAnother(ApiServer api) {
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none().withDiscoveryCache(true))) {
      HttpRequest.Builder apis = HttpRequest.newBuilder(proxy.url("/apis")).header("Accept", "application/json");
      HttpResponse<String> mine = proxy.send(apis.build());
      assertThat(mine.statusCode()).isEqualTo(200);
      assertThat(proxy.send(apis.build()).body()).isEqualTo(mine.body());
      HttpRequest other = HttpRequest.newBuilder(proxy.url("/apis")).header("Accept", "application/json")
          .header("Authorization", "Bearer not-a-valid-token").build();
      assertThat(proxy.send(other).statusCode()).isEqualTo(401);
      assertThat(proxy.send(other).statusCode()).isEqualTo(401);
      PrometheusText m = proxy.metrics();
      assertThat(m.value("kapi_proxy_discovery_cache_requests_total", Map.of("result", "hit"))).isEqualTo(1);
      assertThat(m.value("kapi_proxy_requests_total", Map.of("verb", "get", "code", "401"))).isEqualTo(2);
    }
  }
}
