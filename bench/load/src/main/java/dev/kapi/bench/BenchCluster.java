package dev.kapi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.PodView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real kube-apiserver + etcd on loopback (kapi-testing's harness; it runs with --max-requests-inflight=3000,
 * and watches are long-running requests that the limit exempts), one namespace with ConfigMaps to watch, and a
 * service account that may read and update them, laid out as a Pod's service-account volume for the proxy.
 */
final class BenchCluster implements AutoCloseable {

  static final String NAMESPACE = "bench";
  private static final ObjectMapper JSON = new ObjectMapper();

  final ApiServer api;
  final PodView pod;

  private BenchCluster(ApiServer api, PodView pod) {
    this.api = api;
    this.pod = pod;
  }

  static BenchCluster start(int configMaps) throws Exception {
    Path work = Files.createTempDirectory("kapi-bench-");
    ApiServer api = ApiServer.start(work);
    api.createNamespace(NAMESPACE);
    api.createServiceAccount(NAMESPACE, "bench");
    api.createRole(NAMESPACE, "bench", List.of(
        ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch", "create", "update", "patch")));
    api.bindRole(NAMESPACE, "bench", "bench");
    for (int i = 0; i < configMaps; i++) {
      ObjectNode cm = JSON.createObjectNode();
      cm.put("apiVersion", "v1").put("kind", "ConfigMap");
      cm.putObject("metadata").put("name", "cm-" + i);
      cm.putObject("data").put("value", "0");
      api.admin().ensure("/api/v1/namespaces/" + NAMESPACE + "/configmaps", cm);
    }
    PodView pod = api.podView(NAMESPACE, "bench");
    // a long-lived token: a 10-minute soak must not be about rotation
    pod.rotateToken(api.mintToken(NAMESPACE, "bench", Duration.ofHours(2)));
    return new BenchCluster(api, pod);
  }

  /** The resourceVersion of the ConfigMap list now, to start watches that see only new events. */
  String listResourceVersion() {
    return api.admin().get("/api/v1/namespaces/" + NAMESPACE + "/configmaps?limit=1").path("metadata")
        .path("resourceVersion").asText();
  }

  /** Changes ConfigMap {@code cm-i}, so every watch on the namespace gets one MODIFIED event. */
  void touch(int i, String value) {
    ObjectNode patch = api.admin().get("/api/v1/namespaces/" + NAMESPACE + "/configmaps/cm-" + i).deepCopy();
    ((ObjectNode) patch.path("data")).put("value", value);
    api.admin().put("/api/v1/namespaces/" + NAMESPACE + "/configmaps/cm-" + i, patch);
  }

  @Override
  public void close() {
    api.close();
  }
}
