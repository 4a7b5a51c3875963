package dev.kapi.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the configuration the way kubectl does: explicit flags over a kubeconfig named by flag or
 * {@code KUBECONFIG}, over the in-cluster config, over {@code ~/.kube/config}.
 */
public final class ConfigLoader {

  private final Map<String, String> env;
  private final Path home;

  public ConfigLoader(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  /** Uses this process's environment and home directory. */
  public static ConfigLoader fromEnvironment() {
    return new ConfigLoader(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** In-cluster only, like {@code rest.InClusterConfig()}. */
  public ClusterConfig inCluster() {
    return InClusterConfig.load(env);
  }

  public ClusterConfig load(ConfigFlags flags) {
    ClusterConfig base = base(flags);
    return FlagOverrides.apply(base, flags);
  }

  private ClusterConfig base(ConfigFlags flags) {
    if (flags.kubeconfig().isPresent()) {
      return Kubeconfigs.load(List.of(flags.kubeconfig().get()), true, flags, env);
    }
    String kubeconfigEnv = env.get("KUBECONFIG");
    if (kubeconfigEnv != null && !kubeconfigEnv.isBlank()) {
      return Kubeconfigs.load(Kubeconfigs.splitPath(kubeconfigEnv), false, flags, env);
    }
    if (flags.server().isPresent() && flags.context().isEmpty()) {
      return fromFlagsOnly(flags);
    }
    if (InClusterConfig.looksInCluster(env)) {
      return InClusterConfig.load(env);
    }
    Path defaultKubeconfig = home.resolve(".kube").resolve("config");
    if (Files.exists(defaultKubeconfig)) {
      return Kubeconfigs.load(List.of(defaultKubeconfig), true, flags, env);
    }
    throw new ConfigException(null, null, "no configuration found: not in a cluster ("
        + notInClusterReason() + ") and " + defaultKubeconfig + " does not exist; pass --server, --kubeconfig or set KUBECONFIG");
  }

  private String notInClusterReason() {
    try {
      InClusterConfig.load(env);
      return "in-cluster config unusable";
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static ClusterConfig fromFlagsOnly(ConfigFlags flags) {
    URI server = URI.create(flags.server().get());
    return ClusterConfig.builder().server(server).tls(TlsSettings.builder().build()).source("flags").build();
  }

  /** Paths from a {@code KUBECONFIG}-style list, for callers that show them. */
  public Optional<String> kubeconfigEnv() {
    return Optional.ofNullable(env.get("KUBECONFIG"));
  }
}
