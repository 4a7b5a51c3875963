package dev.kapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child server process that cannot outlive the JVM that started it.
 *
 * <p>A shutdown hook covers a normal exit; a bash watchdog between the JVM and the server covers a crash or
 * SIGKILL: it polls the JVM's pid every second and kills the server once the JVM is gone. Output goes to a
 * log file that a failed run keeps under {@code target/}.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final String WATCHDOG = """
      "$@" & child=$!
      trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT
      while kill -0 "$KAPI_PARENT_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
      kill -TERM $child 2>/dev/null
      for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $child 2>/dev/null || exit 0; sleep 0.5; done
      kill -KILL $child 2>/dev/null
      """;

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread hook;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.hook = new Thread(this::stop, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    List<String> argv = new ArrayList<>(List.of("bash", "-c", WATCHDOG, name));
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().put("KAPI_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    try {
      Files.createDirectories(log.getParent());
      return new ManagedProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command.get(0), e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last lines of the log, for error messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM to the watchdog, which stops the server and waits for it; SIGKILL after 15 s. */
  public void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the server at once, as a crash would (SIGKILL, no clean shutdown). */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing to remove
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ", log " + log + ")";
  }
}
