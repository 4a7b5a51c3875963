package dev.kapi.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The idle readiness probe against the real API server: fails when it is stopped, recovers when it returns. */
@ExtendWith(ApiServerExtension.class)
class UpstreamHealthApiServerTest {

  @Test
  void idleProbeFailsWhileTheApiServerIsStoppedAndRecovers(ApiServer api) {
    ClusterConfig config = ClusterConfig.builder().server(api.url())
        .tls(TlsSettings.builder().caFile(api.caFile()).build())
        .credentials(Credentials.staticToken(api.adminToken())).build();
    UpstreamHealth health = new UpstreamHealth(
        UpstreamHealth.readyzProbe(new JdkUpstreamClient(config), "", Duration.ofSeconds(3)),
        Duration.ofMillis(200), System::nanoTime);
    HealthEndpoint readyz = new HealthEndpoint("readyz", List.of(health), Duration.ofSeconds(5));
    assertThat(readyz.run(Set.of()).join().ok()).isTrue();
    try {
      api.stopApiServer();
      await().atMost(Duration.ofSeconds(20)).until(() -> !readyz.run(Set.of()).join().ok());
      assertThat(readyz.run(Set.of()).join().body(false))
          .startsWith("[-]api-server failed: API server not reached: connect_refused");
    } finally {
      api.startApiServer();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> readyz.run(Set.of()).join().ok());
  }
}
