package dev.kapi.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where scripts/envtest-binaries.sh left kube-apiserver and etcd. */
public record EnvtestBinaries(Path directory) {

  /** The pinned Kubernetes version; scripts/envtest-binaries.sh pins the same. */
  public static final String KUBERNETES_VERSION = "1.36.3";

  public Path kubeApiserver() {
    return directory.resolve("kube-apiserver");
  }

  public Path etcd() {
    return directory.resolve("etcd");
  }

  public static Path defaultDirectory(Map<String, String> env) {
    String override = env.get("KAPI_ENVTEST_BIN");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "kapi", "envtest", KUBERNETES_VERSION);
  }

  /** The binaries, if both are present and executable. */
  public static Optional<EnvtestBinaries> find(Map<String, String> env) {
    EnvtestBinaries b = new EnvtestBinaries(defaultDirectory(env));
    return Files.isExecutable(b.kubeApiserver()) && Files.isExecutable(b.etcd()) ? Optional.of(b) : Optional.empty();
  }

  public static String howToGet() {
    return "no kube-apiserver/etcd found in " + defaultDirectory(System.getenv())
        + "; run scripts/envtest-binaries.sh (needs Go) or set KAPI_ENVTEST_BIN";
  }
}
