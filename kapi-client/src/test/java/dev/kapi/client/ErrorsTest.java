package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class ErrorsTest {

  @Test
  void aRestrictedServiceAccountGetsATypedForbiddenNamingIt(ApiServer api) {
    String ns = api.uniqueNamespace("rbac");
    PodView pod = api.podView(ns, "restricted");
    try (KubeClient kube = TestClients.pod(pod)) {
      KubeApiException.Forbidden e = assertThrows(KubeApiException.Forbidden.class,
          () -> kube.resources("secrets").list().count());
      assertThat(e.isForbidden()).isTrue();
      assertThat(e.code()).isEqualTo(403);
      assertThat(e.getMessage()).contains("system:serviceaccount:" + ns + ":restricted").contains("secrets");
      assertThat(e.status().details().kind()).isEqualTo("secrets");
    }
  }

  @Test
  void aRejectedTokenIsUnauthorized(ApiServer api) {
    ClusterConfig bad = TestClients.adminConfig(api).toBuilder().credentials(Credentials.staticToken("not-a-token")).build();
    try (KubeClient kube = KubeClient.create(bad)) {
      KubeApiException.Unauthorized e = assertThrows(KubeApiException.Unauthorized.class, () -> kube.get("/api/v1/namespaces"));
      assertThat(e.code()).isEqualTo(401);
    }
  }

  @Test
  void aConnectFailureIsAKubeExceptionNamingTheServerWithEarlierAttemptsSuppressed(ApiServer api) throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ClusterConfig nowhere = TestClients.adminConfig(api).toBuilder().server("https://127.0.0.1:" + closedPort).build();
    try (KubeClient kube = KubeClient.create(nowhere)) {
      KubeException e = assertThrows(KubeException.class, () -> kube.get("/api"));
      assertThat(e).isNotInstanceOf(KubeApiException.class);
      assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).contains("connection refused");
      assertThat(e.getSuppressed()).hasSize(1); // 3 retries, each keeping the one before
    }
  }
}
