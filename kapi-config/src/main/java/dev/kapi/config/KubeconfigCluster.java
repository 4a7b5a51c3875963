package dev.kapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A kubeconfig {@code clusters[]} entry: where the API server is and how to trust it. Paths are already resolved
 * against the file that named them ({@code origin}). Holds no secrets.
 *
 * @param execConfig the {@code client.authentication.k8s.io/exec} extension, handed to exec plugins as
 *                   {@code spec.cluster.config} when they ask for cluster info
 */
record KubeconfigCluster(String name, Path origin, Optional<String> server, Optional<Path> certificateAuthority,
    Optional<String> certificateAuthorityData, boolean insecureSkipTlsVerify, Optional<String> tlsServerName,
    Optional<String> proxyUrl, Optional<JsonNode> execConfig) {

  static final String EXEC_EXTENSION = "client.authentication.k8s.io/exec";

  /** No cluster at all: what flags alone start from. */
  static KubeconfigCluster empty(String source) {
    return new KubeconfigCluster("", Path.of(source), Optional.empty(), Optional.empty(), Optional.empty(), false,
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  static KubeconfigCluster parse(String name, KubeconfigNode c) {
    c.requireObject();
    Optional<JsonNode> exec = Optional.empty();
    for (KubeconfigNode ext : c.list("extensions")) {
      ext.requireObject();
      if (EXEC_EXTENSION.equals(ext.string("name").orElse(null)) && ext.child("extension").present()) {
        exec = Optional.of(ext.child("extension").raw());
      }
    }
    c.bool("disable-compression"); // type-checked; kapi never asks for compression anyway
    return new KubeconfigCluster(name, c.file(), c.string("server"), c.path("certificate-authority"),
        c.base64("certificate-authority-data"), c.bool("insecure-skip-tls-verify"), c.string("tls-server-name"),
        c.string("proxy-url"), exec);
  }

  /** Where a field of this entry is written, for messages: {@code clusters[prod].server}. */
  String field(String key) {
    return name.isEmpty() ? key : "clusters[" + name + "]." + key;
  }

  String source() {
    return origin.toString();
  }

  KubeconfigCluster withServer(String s) {
    return new KubeconfigCluster(name, origin, Optional.of(s), certificateAuthority, certificateAuthorityData,
        insecureSkipTlsVerify, tlsServerName, proxyUrl, execConfig);
  }

  KubeconfigCluster withTls(Optional<Path> caFile, Optional<String> caData, boolean insecure, Optional<String> serverName) {
    return new KubeconfigCluster(name, origin, server, caFile, caData, insecure, serverName, proxyUrl, execConfig);
  }
}
