package dev.kapi.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Java's {@code rest.InClusterConfig()}: the API server from {@code KUBERNETES_SERVICE_HOST} and
 * {@code KUBERNETES_SERVICE_PORT_HTTPS} (else {@code KUBERNETES_SERVICE_PORT}), the service account's rotating
 * token and CA from {@code /var/run/secrets/kubernetes.io/serviceaccount} (or {@code KAPI_SERVICEACCOUNT_DIR}),
 * and the namespace from {@code POD_NAMESPACE}, else the {@code namespace} file, else {@code default}.
 *
 * <p>Unlike client-go, a missing {@code ca.crt} is an error, never a silent fall back to the system roots.
 */
public final class InClusterConfig {

  public static final Path DEFAULT_DIRECTORY = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  public static final String DIRECTORY_ENV = "KAPI_SERVICEACCOUNT_DIR";

  /** The in-cluster source as a cluster and a user, so flags apply to it exactly as to a kubeconfig. */
  record Source(KubeconfigCluster cluster, KubeconfigUser user, String namespace, String description) {
  }

  private InClusterConfig() {
  }

  /** The service-account directory this environment points at. */
  public static Path directory(Map<String, String> env) {
    String d = env.get(DIRECTORY_ENV);
    return d == null || d.isBlank() ? DEFAULT_DIRECTORY : Path.of(d);
  }

  /**
   * True when the environment and token of a Pod are present: kubectl's test for trying in-cluster config
   * ({@code inClusterClientConfig.Possible}). A Pod without {@code ca.crt} passes this and then fails to load.
   */
  public static boolean looksInCluster(Map<String, String> env) {
    Path token = directory(env).resolve("token");
    return notBlank(env.get("KUBERNETES_SERVICE_HOST")) && notBlank(port(env)) && Files.exists(token)
        && !Files.isDirectory(token);
  }

  /** Loads it, or throws {@link NotInClusterException} naming exactly what is missing. */
  public static ClusterConfig load(Map<String, String> env) {
    Source s = source(env);
    return ConfigAssembler.build(s.cluster(), s.user(), s.namespace(), s.description(), ConfigFlags.none(),
        ExecEnvironment.of(env));
  }

  static Source source(Map<String, String> env) {
    Path dir = directory(env);
    List<String> missing = new ArrayList<>();
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = port(env);
    if (!notBlank(host)) {
      missing.add("environment variable KUBERNETES_SERVICE_HOST");
    }
    if (!notBlank(port)) {
      missing.add("environment variable KUBERNETES_SERVICE_PORT");
    }
    Path token = dir.resolve("token");
    Path ca = dir.resolve("ca.crt");
    if (!Files.exists(token)) {
      missing.add("file " + token);
    }
    if (!Files.exists(ca)) {
      missing.add("file " + ca);
    }
    if (!missing.isEmpty()) {
      throw new NotInClusterException("in-cluster config", "is not available: missing " + String.join(", ", missing));
    }
    URI server;
    String portVar = notBlank(env.get("KUBERNETES_SERVICE_PORT_HTTPS")) ? "KUBERNETES_SERVICE_PORT_HTTPS" : "KUBERNETES_SERVICE_PORT";
    try {
      int p = Integer.parseInt(port.strip());
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      server = new URI("https", null, host.strip(), p, null, null, null);
    } catch (NumberFormatException e) {
      throw new ConfigException(portVar, null, "is not a port number: " + port);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("KUBERNETES_SERVICE_HOST", null, "is not a valid host: " + host);
    }
    new TokenFile(token).authorization(); // fail now on an empty or unreadable token, naming the file
    TlsSettings.trustCaFile(ca); // and on a CA file without a usable certificate
    KubeconfigCluster cluster = new KubeconfigCluster("", dir, Optional.of(server.toString()), Optional.of(ca),
        Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty());
    KubeconfigUser user = KubeconfigUser.empty(dir.toString()).withBearer(Optional.empty(), Optional.of(token));
    return new Source(cluster, user, namespace(env, dir), "in-cluster (" + dir + ")");
  }

  static String namespace(Map<String, String> env, Path dir) {
    String fromEnv = env.get("POD_NAMESPACE");
    if (notBlank(fromEnv)) {
      return fromEnv.strip();
    }
    try {
      String fromFile = Files.readString(dir.resolve("namespace")).strip();
      if (!fromFile.isEmpty()) {
        return fromFile;
      }
    } catch (IOException absent) {
      // no namespace file: the default namespace, as client-go does
    }
    return "default";
  }

  private static String port(Map<String, String> env) {
    String https = env.get("KUBERNETES_SERVICE_PORT_HTTPS");
    return notBlank(https) ? https : env.get("KUBERNETES_SERVICE_PORT");
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
