package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.AdminClient;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's scenario, run for real: deploy/'s {@code pod-with-kubeapi} Pod under {@code podman kube play}, the
 * kapi image as its ambassador and a curl image as {@code main}, against the real API server; RBAC from deploy/
 * applied for real. {@code main} does what the seed does ({@code curl localhost:8001/apis/batch/v1}) and more.
 */
@ExtendWith(ApiServerExtension.class)
class SeedPodTest {

  private static final String SA = "pod-with-kubeapi";

  /** One {@code curl -s} from inside a container: the HTTP status and the body it printed. */
  record Answer(int status, JsonNode body, String raw) {}

  /** A variant of deploy/ running under podman kube play in a namespace of its own, RBAC applied for real. */
  private record Running(String namespace, PodView view, int proxyPort, Podman.PlayedPod pod) implements AutoCloseable {
    @Override
    public void close() {
      pod.close();
    }
  }

  private static Running play(ApiServer api, DeployVariant variant) throws IOException {
    Manifests.requireKubectl();
    Podman podman = Podman.require();
    Podman.Images images = podman.images();
    Manifests manifests = new Manifests(api);
    String ns = api.uniqueNamespace("seed");
    List<ObjectNode> docs = Manifests.documents(manifests.renderInto(variant, ns));
    manifests.apply(docs.stream().filter(d -> !"Pod".equals(d.path("kind").asText()))
        .map(d -> "---\n" + d.toString() + "\n").collect(Collectors.joining()), false);
    PodView view = api.podView(ns, SA, "token-1");
    int proxyPort = freePort();
    String podName = "kapi-" + ns;
    String podYaml = KubePlayPod.yaml(Manifests.only(docs, "Pod"), podName, view, images, proxyPort, freePort());
    return new Running(ns, view, proxyPort, podman.play(podName, podYaml));
  }

  @Test
  void mainGetsApiAnswersThroughTheAmbassadorWithinTheRoleAndAcrossATokenRotation(ApiServer api) throws Exception {
    try (Running seed = play(api, DeployVariant.BASE)) {
      Podman.PlayedPod pod = seed.pod();
      String ns = seed.namespace();
      int proxyPort = seed.proxyPort();

      // The seed: kubectl exec pod-with-kubeapi -c main -- curl localhost:8001/apis/batch/v1
      Answer batch = awaitServing(pod, proxyPort);
      assertThat(batch.status()).as(batch.raw()).isEqualTo(200);
      assertThat(batch.body().path("kind").asText()).isEqualTo("APIResourceList");
      assertThat(batch.body().path("groupVersion").asText()).isEqualTo("batch/v1");
      assertThat(names(batch.body().path("resources"))).contains("cronjobs", "cronjobs/status", "jobs", "jobs/status");

      Answer jobs = curl(pod, proxyPort, "/apis/batch/v1/namespaces/" + ns + "/jobs");
      assertThat(jobs.status()).as(jobs.raw()).isEqualTo(200);
      assertThat(jobs.body().path("kind").asText()).isEqualTo("JobList");

      Answer pods = curl(pod, proxyPort, "/api/v1/namespaces/" + ns + "/pods");
      assertThat(pods.status()).as(pods.raw()).isEqualTo(403);
      assertThat(pods.body().path("kind").asText()).isEqualTo("Status");
      assertThat(pods.body().path("reason").asText()).isEqualTo("Forbidden");
      assertThat(pods.body().path("code").asInt()).isEqualTo(403);
      assertThat(pods.body().path("message").asText()).contains("system:serviceaccount:" + ns + ":" + SA);

      // The kubelet rotates the token; the old one is revoked (its bound Secret deleted).
      String oldToken = seed.view().token();
      seed.view().rotateToken(api.mintToken(ns, SA, Duration.ofHours(1)));
      api.deleteSecret(ns, "token-1");
      await("the API server rejects the revoked token").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> directStatus(api, oldToken, ns) == 401);

      for (int i = 0; i < 3; i++) {
        Answer after = curl(pod, proxyPort, "/apis/batch/v1/namespaces/" + ns + "/cronjobs");
        assertThat(after.status()).as("after rotation: " + after.raw() + "\n" + pod.logs("ambassador")).isEqualTo(200);
        assertThat(after.body().path("kind").asText()).isEqualTo("CronJobList");
      }
    }
  }

  @Test
  void hardenedMainHoldsNoTokenYetReadsJobsThroughTheAmbassador(ApiServer api) throws Exception {
    try (Running hardened = play(api, DeployVariant.HARDENED)) {
      Podman.PlayedPod pod = hardened.pod();

      assertThat(awaitServing(pod, hardened.proxyPort()).status()).isEqualTo(200);
      Answer jobs = curl(pod, hardened.proxyPort(), "/apis/batch/v1/namespaces/" + hardened.namespace() + "/jobs");
      assertThat(jobs.status()).as(jobs.raw()).isEqualTo(200);
      assertThat(jobs.body().path("kind").asText()).isEqualTo("JobList");

      ExternalCommand.Result token = pod.exec("main", "cat", KubePlayPod.SERVICE_ACCOUNT_PATH + "/token");
      assertThat(token.succeeded()).as("main reads no token: " + token.describe()).isFalse();
      assertThat(token.stderr()).contains("No such file or directory");
      ExternalCommand.Result shell = pod.exec("ambassador", "/bin/sh", "-c", "true");
      assertThat(shell.succeeded()).as("the ambassador image has no shell: " + shell.describe()).isFalse();
    }
  }

  /** Polls the seed's request until the ambassador serves it; a dead ambassador fails at once with its logs. */
  private static Answer awaitServing(Podman.PlayedPod pod, int port) {
    Answer[] last = new Answer[1];
    try {
      await("the ambassador serves on localhost:" + port).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            String state = pod.state("ambassador");
            if (!state.startsWith("running")) {
              throw new AssertionError("ambassador is " + state + ":\n" + pod.logs("ambassador"));
            }
            last[0] = curlOrNull(pod, port, "/apis/batch/v1");
            return last[0] != null;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no answer on localhost:" + port + " from main; ambassador " + pod.state("ambassador")
          + " logs:\n" + pod.logs("ambassador"), e);
    }
    return last[0];
  }

  private static Answer curl(Podman.PlayedPod pod, int port, String path) {
    Answer a = curlOrNull(pod, port, path);
    assertThat(a).as("curl %s from main; ambassador logs:\n%s", path, pod.logs("ambassador")).isNotNull();
    return a;
  }

  private static Answer curlOrNull(Podman.PlayedPod pod, int port, String path) {
    ExternalCommand.Result r = pod.exec("main", "curl", "-s", "-w", "\n%{http_code}", "localhost:" + port + path);
    if (!r.succeeded()) {
      return null;
    }
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    try {
      int status = Integer.parseInt(out.substring(nl + 1).trim());
      return new Answer(status, Manifests.JSON.readTree(out.substring(0, nl)), out);
    } catch (IOException | NumberFormatException e) {
      throw new AssertionError("main's curl printed no JSON answer: " + out, e);
    }
  }

  /** The API server's own verdict on a token, without the proxy: GET jobs directly. */
  private static int directStatus(ApiServer api, String token, String ns) throws Exception {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(AdminClient.sslContext(api.pki().ca().certificate(), null))
        .version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get = HttpRequest.newBuilder(api.url().resolve("/apis/batch/v1/namespaces/" + ns + "/jobs"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
    return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<String> names(JsonNode resources) {
    List<String> names = new ArrayList<>();
    resources.forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
