package dev.kapi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the harness with nothing but java.net.http: the seed's curl line, done by hand. */
@ExtendWith(ApiServerExtension.class)
class ApiServerSmokeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> get(ApiServer api, String token, String path) throws Exception {
    SSLContext trustOnlyTestCa = AdminClient.sslContext(api.pki().ca().certificate(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(trustOnlyTestCa).version(HttpClient.Version.HTTP_1_1).build();
    return http.send(HttpRequest.newBuilder(api.url().resolve(path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serviceAccountTokenReadsApiVersions(ApiServer api) throws Exception {
    PodView pod = api.podView("smoke", "reader");

    HttpResponse<String> r = get(api, pod.token(), "/api");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("kind").asText()).isEqualTo("APIVersions");
    assertThat(body.path("versions").toString()).contains("\"v1\"");
  }

  @Test
  void batchV1ListsJobsAndCronJobsWithTheirVerbs(ApiServer api) throws Exception {
    PodView pod = api.podView("smoke", "reader");

    JsonNode body = JSON.readTree(get(api, pod.token(), "/apis/batch/v1").body());

    assertThat(body.path("kind").asText()).isEqualTo("APIResourceList");
    assertThat(body.path("groupVersion").asText()).isEqualTo("batch/v1");
    List<String> names = new ArrayList<>();
    body.path("resources").forEach(res -> names.add(res.path("name").asText()));
    assertThat(names).contains("cronjobs", "cronjobs/status", "jobs", "jobs/status");
    JsonNode cronjobs = body.path("resources").get(names.indexOf("cronjobs"));
    List<String> verbs = new ArrayList<>();
    cronjobs.path("verbs").forEach(v -> verbs.add(v.asText()));
    assertThat(verbs).containsExactlyInAnyOrder("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    assertThat(cronjobs.path("shortNames").toString()).contains("cj");
  }

  @Test
  void serviceAccountWithoutRightsIsForbiddenToListSecrets(ApiServer api) throws Exception {
    PodView pod = api.podView("smoke", "nobody");

    HttpResponse<String> r = get(api, pod.token(), "/api/v1/namespaces/smoke/secrets");

    assertThat(r.statusCode()).isEqualTo(403);
    JsonNode status = JSON.readTree(r.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.path("message").asText()).contains("system:serviceaccount:smoke:nobody").contains("secrets");
  }

  @Test
  void roleGrantsExactlyWhatItSays(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("rbac");
    api.createServiceAccount(ns, "jobs-reader");
    api.createRole(ns, "jobs-reader", List.of(ApiServer.Rule.of("batch", List.of("jobs", "cronjobs"), "get", "list", "watch")));
    api.bindRole(ns, "jobs-reader", "jobs-reader");
    String token = api.mintToken(ns, "jobs-reader", Duration.ofMinutes(10));

    assertThat(get(api, token, "/apis/batch/v1/namespaces/" + ns + "/jobs").statusCode()).isEqualTo(200);
    assertThat(get(api, token, "/api/v1/namespaces/" + ns + "/configmaps").statusCode()).isEqualTo(403);
  }

  @Test
  void tokenBoundToSecretIsRevokedWhenTheSecretIsDeleted(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("revoke");
    api.createServiceAccount(ns, "sa");
    api.createSecret(ns, "binding");
    String token = api.mintToken(ns, "sa", Duration.ofMinutes(10), "binding");
    assertThat(get(api, token, "/api").statusCode()).isEqualTo(200);

    api.deleteSecret(ns, "binding");

    // The API server caches successful token checks for ~10 s; poll for the 401 with a deadline.
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> get(api, token, "/api").statusCode() == 401);
  }
}
