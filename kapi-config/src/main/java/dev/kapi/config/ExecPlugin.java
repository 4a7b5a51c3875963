package dev.kapi.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one exec credential plugin once, as client-go does ({@code plugin/pkg/client/auth/exec}): the command with
 * its args, this process's environment plus the configured {@code env} plus {@code KUBERNETES_EXEC_INFO}, the
 * plugin's stderr passed through to ours, stdin given to it only in interactive mode.
 */
final class ExecPlugin {

  private final ExecConfig config;
  private final Optional<ExecClusterInfo> cluster;
  private final Map<String, String> baseEnv;
  private final BooleanSupplier stdinIsTerminal;
  private final String source;
  private final String field;

  ExecPlugin(ExecConfig config, Optional<ExecClusterInfo> cluster, Map<String, String> baseEnv,
      BooleanSupplier stdinIsTerminal, String source, String field) {
    this.config = config;
    this.cluster = cluster;
    this.baseEnv = Map.copyOf(baseEnv);
    this.stdinIsTerminal = stdinIsTerminal;
    this.source = source;
    this.field = field;
  }

  ExecConfig config() {
    return config;
  }

  ExecCredential run() {
    boolean interactive = interactive();
    Path executable = executable();
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(config.args());
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(baseEnv);
    config.env().forEach(v -> env.put(v.name(), v.value()));
    env.put("KUBERNETES_EXEC_INFO", execInfo(interactive));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    if (interactive) {
      pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw failure("could not be started: " + e.getMessage(), e);
    }
    byte[] out;
    int exit;
    try {
      if (!interactive) {
        p.getOutputStream().close(); // no input for a non-interactive plugin: EOF at once
      }
      try (InputStream stdout = p.getInputStream()) {
        out = stdout.readAllBytes();
      }
      exit = p.waitFor();
    } catch (IOException e) {
      p.destroyForcibly();
      throw failure("output could not be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw failure("was interrupted", e);
    }
    if (exit != 0) {
      throw failure("failed with exit code " + exit, null);
    }
    return ExecCredential.parse(out, config.apiVersion(), source, field);
  }

  private boolean interactive() {
    return switch (config.interactiveMode()) {
      case NEVER -> false;
      case IF_AVAILABLE -> stdinIsTerminal.getAsBoolean();
      case ALWAYS -> {
        if (!stdinIsTerminal.getAsBoolean()) {
          throw failure("has interactiveMode Always, but standard input is not a terminal: run it where it can ask, "
              + "or set interactiveMode to IfAvailable or Never", null);
        }
        yield true;
      }
    };
  }

  /** A path as written (already resolved against the kubeconfig's directory), else a name looked up on PATH. */
  private Path executable() {
    String cmd = config.command();
    if (cmd.contains("/")) {
      Path p = Path.of(cmd);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
      throw failure(notFound(cmd, Files.exists(p) ? " (it exists but is not an executable file)" : ""), null);
    }
    String path = baseEnv.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, cmd);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw failure(notFound(cmd, " on PATH"), null);
  }

  private String notFound(String cmd, String detail) {
    return "executable " + cmd + " not found" + detail + hint();
  }

  /** kubectl's paragraphs in one line: a CLI prints errors as one line, and the hint is what the user needs. */
  private String hint() {
    return config.installHint().map(h -> ". It looks like you are trying to use a client-go credential plugin that is not "
        + "installed. " + String.join(" ", h.strip().split("\\s*\\R\\s*"))).orElse("");
  }

  private String execInfo(boolean interactive) {
    ObjectNode info = JsonNodeFactory.instance.objectNode();
    info.put("kind", "ExecCredential");
    info.put("apiVersion", config.apiVersion());
    ObjectNode spec = info.putObject("spec");
    if (config.provideClusterInfo()) {
      cluster.ifPresent(c -> spec.set("cluster", c.toJson()));
    }
    spec.put("interactive", interactive);
    return info.toString();
  }

  private CredentialsUnavailableException failure(String problem, Throwable cause) {
    return new CredentialsUnavailableException(source, field, "plugin " + config.command() + " " + problem, cause);
  }
}
