package dev.kapi.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the configuration as kubectl does, with one deliberate difference in order:
 * <ol>
 *   <li>Connection flags ({@link ConfigFlags}) apply over whichever source is chosen below.</li>
 *   <li>A kubeconfig named by {@code --kubeconfig} (must exist) or {@code KUBECONFIG} (a list; files that do not
 *       exist are skipped; merged by kubectl's rules), if it selects a context ({@code current-context} or
 *       {@code --context}) or {@code --cluster}/{@code --user} are given.</li>
 *   <li>The in-cluster config, when kubectl would consider it possible (service variables set and a token file).
 *       kubectl tries {@code ~/.kube/config} before this; kapi tries it after, so a stray kubeconfig baked into an
 *       image cannot send a Pod's requests elsewhere. {@code --context}, {@code --cluster} or {@code --user} ask for
 *       a kubeconfig and skip this step.</li>
 *   <li>{@code ~/.kube/config}, if it selects something.</li>
 *   <li>Flags alone, when {@code --server} is given.</li>
 * </ol>
 * Where kubectl would then fall back to {@code http://localhost:8080} and fail at the first request, kapi throws a
 * {@link ConfigException} saying what it looked for.
 *
 * <p>Namespace: {@code --namespace}, else the context's, else (in a Pod, as kubectl does) the Pod's, else
 * {@code default}.
 *
 * <p>{@code --token} given the Pod's own service-account token (the seed's {@code --token="$(cat token)"}) reads
 * that token file instead, so the credential follows the kubelet's rotation ({@link CopiedServiceAccountToken}).
 */
public final class ConfigLoader {

  private final Map<String, String> env;
  private final Path home;
  private final ExecEnvironment exec;

  public ConfigLoader(Map<String, String> env, Path home) {
    this(env, home, ExecEnvironment.of(env));
  }

  ConfigLoader(Map<String, String> env, Path home, ExecEnvironment exec) {
    this.env = Map.copyOf(env);
    this.home = home;
    this.exec = exec;
  }

  /** Uses this process's environment and home directory. */
  public static ConfigLoader fromEnvironment() {
    return new ConfigLoader(System.getenv(), home(System.getenv()));
  }

  /**
   * The home directory as kubectl finds it: {@code $HOME} when set, else the account's. The JVM's
   * {@code user.home} is the account's only, which differs in containers and CI jobs that set {@code HOME}.
   */
  public static Path home(Map<String, String> env) {
    String h = env.get("HOME");
    return h != null && !h.isEmpty() ? Path.of(h) : Path.of(System.getProperty("user.home"));
  }

  /** In-cluster only, like {@code rest.InClusterConfig()}. */
  public ClusterConfig inCluster() {
    return InClusterConfig.load(env);
  }

  /** The kubeconfig files {@code ~/.kube/config} would be read from when neither flag nor variable names any. */
  public Path defaultKubeconfig() {
    return home.resolve(".kube").resolve("config");
  }

  public ClusterConfig load(ConfigFlags flags) {
    FlagOverrides.validate(flags);
    Path saToken = InClusterConfig.directory(env).resolve("token");
    Optional<Path> followed = CopiedServiceAccountToken.fileHolding(flags, saToken);
    if (followed.isEmpty()) {
      return resolve(flags);
    }
    ClusterConfig c = resolve(flags.withTokenFile(followed.get()));
    return c.toBuilder().source(c.source() + "; --token is the service account's token, read from " + followed.get()
        + " as it rotates").build();
  }

  private ClusterConfig resolve(ConfigFlags flags) {
    boolean wantsKubeconfig = flags.context().isPresent() || flags.cluster().isPresent() || flags.user().isPresent();
    Optional<MergedKubeconfig> named = namedKubeconfig(flags); // --kubeconfig, else KUBECONFIG
    if (named.isPresent()) {
      Optional<KubeconfigSelection> sel = KubeconfigSelection.select(named.get(), flags);
      if (sel.isPresent()) {
        return fromKubeconfig(sel.get(), flags);
      }
    }
    if (!wantsKubeconfig && InClusterConfig.looksInCluster(env)) {
      return inCluster(flags);
    }
    if (named.isEmpty()) { // KUBECONFIG set means ~/.kube/config is not read, as in kubectl
      Path def = defaultKubeconfig();
      if (Files.exists(def) || wantsKubeconfig) {
        MergedKubeconfig kc = MergedKubeconfig.load(List.of(def), false);
        Optional<KubeconfigSelection> sel = KubeconfigSelection.select(kc, flags);
        if (sel.isPresent()) {
          return fromKubeconfig(sel.get(), flags);
        }
      }
    }
    if (flags.server().isPresent()) {
      return fromFlagsOnly(flags);
    }
    throw nothingFound(named);
  }

  private Optional<MergedKubeconfig> namedKubeconfig(ConfigFlags flags) {
    if (flags.kubeconfig().isPresent()) {
      Path p = flags.kubeconfig().get();
      if (!Files.exists(p)) {
        throw new ConfigException("flags", "--kubeconfig", "names " + p + ", which does not exist");
      }
      return Optional.of(MergedKubeconfig.load(List.of(p), true));
    }
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isBlank()) {
      return Optional.of(MergedKubeconfig.load(Kubeconfigs.splitPath(list), false));
    }
    return Optional.empty();
  }

  private ClusterConfig fromKubeconfig(KubeconfigSelection sel, ConfigFlags flags) {
    String namespace = flags.namespace().or(sel::namespace)
        .orElseGet(() -> InClusterConfig.looksInCluster(env) ? InClusterConfig.namespace(env, InClusterConfig.directory(env)) : null);
    return ConfigAssembler.build(FlagOverrides.cluster(sel.cluster(), flags), FlagOverrides.user(sel.user(), flags),
        namespace, label(sel.description(), flags), flags, exec);
  }

  private ClusterConfig inCluster(ConfigFlags flags) {
    InClusterConfig.Source s = InClusterConfig.source(env);
    return ConfigAssembler.build(FlagOverrides.cluster(s.cluster(), flags), FlagOverrides.user(s.user(), flags),
        flags.namespace().orElse(s.namespace()), label(s.description(), flags), flags, exec);
  }

  private ClusterConfig fromFlagsOnly(ConfigFlags flags) {
    return ConfigAssembler.build(FlagOverrides.cluster(KubeconfigCluster.empty("flags"), flags),
        FlagOverrides.user(KubeconfigUser.empty("flags"), flags), flags.namespace().orElse(null), "flags", flags, exec);
  }

  private static String label(String base, ConfigFlags flags) {
    return FlagOverrides.any(flags) ? base + " + flags" : base;
  }

  private ConfigException nothingFound(Optional<MergedKubeconfig> named) {
    String inCluster;
    try {
      InClusterConfig.source(env);
      inCluster = "in-cluster config unusable";
    } catch (ConfigException e) {
      inCluster = "not in a cluster: " + e.getMessage();
    }
    if (named.isPresent()) {
      MergedKubeconfig kc = named.get();
      String kubeconfig = kc.loaded().isEmpty()
          ? "none of the kubeconfig files exist (" + kc.label() + ")"
          : kc.label() + " sets no current-context and --context was not given (contexts "
              + MergedKubeconfig.names(kc.contexts()) + ")";
      return new ConfigException(null, null, "no configuration found: " + kubeconfig + "; " + inCluster
          + "; and --server was not given");
    }
    return new ConfigException(null, null, "no configuration found: " + inCluster + "; " + defaultKubeconfig()
        + (Files.exists(defaultKubeconfig()) ? " sets no current-context" : " does not exist")
        + "; pass --server or --kubeconfig, or set KUBECONFIG");
  }

  /** Paths from a {@code KUBECONFIG}-style list, for callers that show them. */
  public Optional<String> kubeconfigEnv() {
    return Optional.ofNullable(env.get("KUBECONFIG"));
  }
}
