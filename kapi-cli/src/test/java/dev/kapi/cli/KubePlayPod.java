package dev.kapi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.PodView;
import java.util.Map;

/**
 * A Pod rendered from deploy/ turned into what {@code podman kube play} can run on this machine as the kubelet
 * would on a node. What changes, and why:
 * <ul>
 *   <li>host network: there is no Pod network here, and the API server listens on the host's 127.0.0.1;
 *   <li>the service-account directory is the test's pod view (hostPath), mounted where the kubelet mounts it, in
 *       the containers the kubelet would mount it in (all of them, unless the Pod opts out and mounts it itself);
 *   <li>the environment the kubelet gives every container for the {@code kubernetes} Service;
 *   <li>the images built here; no probes (podman runs them as commands inside the container, and the ambassador
 *       image has no shell or curl to run them with); restartPolicy Never, so a crash shows instead of looping;
 *   <li>the ambassador's ports: the host network is shared with everything else on this machine, so the proxy
 *       and admin listeners get free ports instead of 8001 and 9091.
 * </ul>
 * Everything else, securityContext (non-root uid, read-only root filesystem, no capabilities, seccomp) and
 * memory limits included, is applied by podman as written.
 */
final class KubePlayPod {

  static final String SERVICE_ACCOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final String SA_VOLUME = "kube-api-access";

  private KubePlayPod() {}

  static String yaml(ObjectNode renderedPod, String podName, PodView view, Podman.Images images,
      int proxyPort, int adminPort) {
    ObjectNode pod = renderedPod.deepCopy();
    ObjectNode metadata = (ObjectNode) pod.path("metadata");
    metadata.put("name", podName);
    metadata.remove("namespace");
    ObjectNode spec = (ObjectNode) pod.path("spec");
    spec.put("hostNetwork", true);
    spec.put("restartPolicy", "Never");
    if (spec.has("initContainers")) {
      // podman 4 runs init containers to completion first; a native sidecar would never let `main` start.
      throw new IllegalArgumentException("native-sidecar variants cannot run under podman kube play");
    }
    boolean automount = spec.path("automountServiceAccountToken").asBoolean(true);
    spec.remove("automountServiceAccountToken");
    spec.remove("serviceAccountName");

    ArrayNode volumes = spec.has("volumes") ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
    for (int i = volumes.size() - 1; i >= 0; i--) {
      if (SA_VOLUME.equals(volumes.get(i).path("name").asText())) {
        volumes.remove(i);
      }
    }
    volumes.addObject().put("name", SA_VOLUME).putObject("hostPath")
        .put("path", view.directory().toString()).put("type", "Directory");

    for (JsonNode node : spec.path("containers")) {
      ObjectNode c = (ObjectNode) node;
      String name = c.path("name").asText();
      c.put("image", "ambassador".equals(name) ? images.ambassador() : images.curl());
      c.remove("startupProbe");
      c.remove("livenessProbe");
      c.remove("readinessProbe");
      c.remove("ports");
      ArrayNode env = c.has("env") ? (ArrayNode) c.get("env") : c.putArray("env");
      for (Map.Entry<String, String> e : view.env().entrySet()) {
        env.addObject().put("name", e.getKey()).put("value", e.getValue());
      }
      boolean mountsItself = false;
      for (JsonNode m : c.path("volumeMounts")) {
        mountsItself |= SA_VOLUME.equals(m.path("name").asText());
      }
      if (automount && !mountsItself) {
        ArrayNode mounts = c.has("volumeMounts") ? (ArrayNode) c.get("volumeMounts") : c.putArray("volumeMounts");
        mounts.addObject().put("name", SA_VOLUME).put("mountPath", SERVICE_ACCOUNT_PATH).put("readOnly", true);
      }
      if ("ambassador".equals(name)) {
        ArrayNode args = Manifests.JSON.createArrayNode().add("--port=" + proxyPort);
        for (JsonNode a : c.path("args")) {
          args.add(a.asText().startsWith("--admin-address=") ? "--admin-address=127.0.0.1:" + adminPort : a.asText());
        }
        c.set("args", args);
      }
    }
    try {
      return Manifests.YAML.writeValueAsString(pod);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
