package dev.kapi.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./kapi} run as a separate process with a Pod's environment, as the ambassador container would run it:
 * the Pod's env vars and service-account directory, no flags, and nothing inherited that a Pod would not have
 * (no KUBECONFIG).
 */
final class KapiProcess implements AutoCloseable {

  private final Process process;
  private final CompletableFuture<String> servingOn = new CompletableFuture<>();

  private KapiProcess(Process process, Path log) {
    this.process = process;
    Thread reader = new Thread(() -> watchStdout(), "kapi-proxy-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * {@code kapi} as a command line: this very JVM binary and classpath, so the demo runs the same build it is
   * part of (from ./kapi or from a test) without going back through the launcher's rebuild check.
   */
  static List<String> kapiCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.kapi.cli.Main"));
  }

  static Map<String, String> podEnvironment(Map<String, String> podEnv) {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.remove("KUBECONFIG");
    env.putAll(podEnv);
    return env;
  }

  /** Starts {@code kapi proxy ARGS} and waits for its "Starting to serve on" line. */
  static KapiProcess startProxy(Map<String, String> podEnv, List<String> args, Path log) throws IOException {
    List<String> cmd = kapiCommand();
    cmd.add("proxy");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().clear();
    pb.environment().putAll(podEnvironment(podEnv));
    return new KapiProcess(pb.start(), log);
  }

  /** The address from {@code Starting to serve on HOST:PORT}. */
  String awaitServing(Duration timeout) throws IOException {
    try {
      return servingOn.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("kapi proxy did not start serving within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause().getMessage());
    }
  }

  private void watchStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("Starting to serve on ")) {
          servingOn.complete(line.substring("Starting to serve on ".length()).strip());
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    servingOn.completeExceptionally(new IOException("kapi proxy exited with code " + exitCode()));
  }

  private String exitCode() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  /** Runs {@code ./kapi ARGS} to completion with the Pod's environment; returns exit code and output. */
  static Result run(Map<String, String> podEnv, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = kapiCommand();
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(podEnvironment(podEnv));
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    String out = readAll(p.getInputStream());
    int code = p.waitFor();
    return new Result(code, out, err.join());
  }

  record Result(int exitCode, String stdout, String stderr) {
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
