package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.policy.Policy;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --policy} and {@code --deny-exec} in front of the real API server. The service account may do much more
 * than the policy allows; what the policy does not allow gets the proxy's 403 Status naming the missing
 * permission and never reaches the API server, and what it allows behaves exactly as without the proxy.
 */
@ExtendWith(ApiServerExtension.class)
class PolicyThroughProxyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aReadOnlyPolicyNarrowsABroadServiceAccount(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = "policy-narrow";
    PodView pod = broadPod(api, ns);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["get", "list"]
          namespaces: ["%s"]
        - nonResourceURLs: ["/api", "/api/*", "/version"]
          verbs: ["get"]
        """.formatted(ns));
    try (ProxyHarness proxy = ProxyHarness.start(ProxyHarness.inCluster(pod), b -> b.policy(Policy.load(policy)))) {
      assertThat(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps", Map.of()).statusCode()).isEqualTo(200);
      assertThat(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps/keep", Map.of()).statusCode()).isEqualTo(200);
      assertThat(send(proxy, "GET", "/api", Map.of()).statusCode()).isEqualTo(200);

      assertForbidden(send(proxy, "DELETE", "/api/v1/namespaces/" + ns + "/configmaps/keep", Map.of()),
          "does not allow delete resource \"configmaps\" in API group \"\" named \"keep\" in the namespace \"" + ns + "\"");
      assertThat(api.admin().send("GET", "/api/v1/namespaces/" + ns + "/configmaps/keep", null, null).statusCode())
          .as("the denied DELETE never reached the API server").isEqualTo(200);
      assertForbidden(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps?watch=yes", Map.of()),
          "does not allow watch resource \"configmaps\"");
      assertForbidden(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/secrets", Map.of()),
          "does not allow list resource \"secrets\"");
      assertForbidden(send(proxy, "GET", "/api/v1/namespaces/default/configmaps", Map.of()),
          "in the namespace \"default\"");
      // (exec itself is already refused by kubectl's default --reject-paths, which runs first)
      assertForbidden(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/pods/p/portforward?ports=80", Map.of()),
          "--deny-exec");
      assertForbidden(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps",
          Map.of("Impersonate-User", "system:serviceaccount:" + ns + ":other")), "impersonate resource \"serviceaccounts\"");
    }
  }

  @Test
  void impersonationAllowedByThePolicyReachesTheApiServer(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = "policy-impersonate";
    PodView pod = broadPod(api, ns);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        rules:
        - {apiGroups: [""], resources: ["configmaps"], verbs: ["list"]}
        - {apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["jane"]}
        """);
    try (ProxyHarness proxy = ProxyHarness.start(ProxyHarness.inCluster(pod), b -> b.policy(Policy.load(policy)))) {
      HttpResponse<String> r = send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps", Map.of("Impersonate-User", "jane"));

      // the header went through: the API server itself decides, and this service account may not impersonate
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(r.body()).path("message").asText()).contains("cannot impersonate").doesNotContain("kapi");
    }
  }

  @Test
  void denyExecAloneRefusesExecPortForwardAndNodeProxyButNothingElse(ApiServer api) throws Exception {
    String ns = "deny-exec";
    PodView pod = broadPod(api, ns);
    try (ProxyHarness proxy = ProxyHarness.start(ProxyHarness.inCluster(pod), b -> b.denyExec(true).disableFilter())) {
      for (String path : List.of("/api/v1/namespaces/" + ns + "/pods/p/exec?command=sh",
          "/api/v1/namespaces/" + ns + "/pods/p/portforward?ports=80", "/api/v1/nodes/n1/proxy/run/a/b/c",
          "/api/v1/namespaces/" + ns + "/services/s:80/proxy/")) {
        assertForbidden(send(proxy, "GET", path, Map.of()), "--deny-exec");
      }
      assertThat(send(proxy, "GET", "/api/v1/namespaces/" + ns + "/configmaps", Map.of()).statusCode()).isEqualTo(200);
    }
  }

  private static void assertForbidden(HttpResponse<String> r, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    JsonNode status = JSON.readTree(r.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.path("message").asText()).contains(message);
  }

  private HttpResponse<String> send(ProxyHarness proxy, String method, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A service account with far more than any policy here grants: everything on ConfigMaps, Secrets and Pods. */
  private static PodView broadPod(ApiServer api, String ns) {
    api.createNamespace(ns);
    api.createServiceAccount(ns, "app");
    api.createRole(ns, "broad", List.of(ApiServer.Rule.of("", List.of("configmaps", "secrets", "pods", "pods/exec",
        "pods/portforward"), "*")));
    api.bindRole(ns, "broad", "app");
    api.admin().ensure("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
        "metadata", Map.of("name", "keep")));
    return api.podView(ns, "app");
  }
}
