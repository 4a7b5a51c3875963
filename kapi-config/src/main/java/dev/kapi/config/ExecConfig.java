package dev.kapi.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kubeconfig user's {@code exec} credential plugin, as client-go reads it. {@code command} is already resolved
 * against the kubeconfig's directory when it is a relative path with a slash; a bare name is looked up on PATH
 * when the plugin runs. Env values may be secrets: {@link #toString()} leaves them out.
 */
record ExecConfig(String apiVersion, String command, List<String> args, List<EnvVar> env, Optional<String> installHint,
    boolean provideClusterInfo, InteractiveMode interactiveMode) {

  static final String V1 = "client.authentication.k8s.io/v1";
  static final String V1BETA1 = "client.authentication.k8s.io/v1beta1";

  /** One {@code env} entry. */
  record EnvVar(String name, String value) {
    @Override
    public String toString() {
      return name + "=(redacted)";
    }
  }

  /** {@code interactiveMode}: whether the plugin may talk to the user through standard input. */
  enum InteractiveMode {
    NEVER("Never"), IF_AVAILABLE("IfAvailable"), ALWAYS("Always");

    final String yaml;

    InteractiveMode(String yaml) {
      this.yaml = yaml;
    }
  }

  /** {@code exec} of {@code users[name]}, validated as kubectl validates it. */
  static ExecConfig parse(KubeconfigNode exec) {
    exec.requireObject();
    String apiVersion = exec.requiredString("apiVersion");
    if (apiVersion.equals("client.authentication.k8s.io/v1alpha1")) {
      throw exec.child("apiVersion").error("is client.authentication.k8s.io/v1alpha1, which Kubernetes removed in 1.24: "
          + "use " + V1 + " (or v1beta1) and update the plugin");
    }
    if (!apiVersion.equals(V1) && !apiVersion.equals(V1BETA1)) {
      throw exec.child("apiVersion").error("is " + apiVersion + "; supported: " + V1 + ", " + V1BETA1);
    }
    String command = exec.requiredString("command");
    // kubectl resolves the command against the kubeconfig's directory only when it is a path, not a PATH name
    String resolved = command.contains("/") ? exec.resolve(command).toString() : command;
    List<EnvVar> env = new ArrayList<>();
    for (KubeconfigNode e : exec.list("env")) {
      e.requireObject();
      env.add(new EnvVar(e.requiredString("name"), e.rawString("value").orElse("")));
    }
    InteractiveMode mode = interactiveMode(exec, apiVersion);
    return new ExecConfig(apiVersion, resolved, exec.stringList("args"), List.copyOf(env), exec.string("installHint"),
        exec.bool("provideClusterInfo"), mode);
  }

  private static InteractiveMode interactiveMode(KubeconfigNode exec, String apiVersion) {
    Optional<String> m = exec.string("interactiveMode");
    if (m.isEmpty()) {
      if (apiVersion.equals(V1BETA1)) {
        return InteractiveMode.IF_AVAILABLE; // client-go's default for v1beta1, kept for old kubeconfigs
      }
      throw exec.child("interactiveMode").error("is missing: " + V1 + " plugins must say Never, IfAvailable or Always");
    }
    for (InteractiveMode i : InteractiveMode.values()) {
      if (i.yaml.equals(m.get())) {
        return i;
      }
    }
    throw exec.child("interactiveMode").error("is " + m.get() + "; must be Never, IfAvailable or Always");
  }

  @Override
  public String toString() {
    return "exec " + command + " (" + apiVersion + ", " + args.size() + " args, env " + env + ", interactiveMode "
        + interactiveMode.yaml + (provideClusterInfo ? ", provideClusterInfo" : "") + ")";
  }
}
