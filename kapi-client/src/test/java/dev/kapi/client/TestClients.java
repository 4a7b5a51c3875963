package dev.kapi.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.InClusterConfig;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.PodView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Clients for the test API server: as the admin (static token), or as a Pod's service account. */
final class TestClients {

  private TestClients() {
  }

  static ClusterConfig adminConfig(ApiServer api) {
    return ClusterConfig.builder().server(api.url()).tls(TlsSettings.trustCaFile(api.caFile()))
        .credentials(Credentials.staticToken(api.adminToken())).source("test admin").build();
  }

  static KubeClient admin(ApiServer api) {
    return KubeClient.create(adminConfig(api));
  }

  /** An admin client whose request log lines are collected in {@code lines}. */
  static KubeClient adminLogging(ApiServer api, List<String> lines) {
    return KubeClient.builder(adminConfig(api)).requestLog(lines::add, false).build();
  }

  static List<String> lines() {
    return new CopyOnWriteArrayList<>();
  }

  static KubeClient pod(PodView pod) {
    return KubeClient.create(InClusterConfig.load(pod.envWithDirectory()));
  }

  static ObjectNode configMap(String name, String key, String value) {
    ObjectNode cm = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", name);
    cm.putObject("data").put(key, value);
    return cm;
  }
}
