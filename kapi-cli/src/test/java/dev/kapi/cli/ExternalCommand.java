package dev.kapi.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one external program (kubectl, podman, a script) to completion, with optional stdin and a deadline. */
final class ExternalCommand {

  /** What the program left behind. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }

    /** For assertion messages: the command, its exit code and both streams. */
    String describe() {
      return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final List<String> command;
  private Path directory;
  private final Map<String, String> environment = new java.util.LinkedHashMap<>();
  private String stdin;
  private Duration timeout = Duration.ofMinutes(2);

  private ExternalCommand(List<String> command) {
    this.command = List.copyOf(command);
  }

  static ExternalCommand of(String... command) {
    return new ExternalCommand(List.of(command));
  }

  static ExternalCommand of(List<String> command) {
    return new ExternalCommand(command);
  }

  ExternalCommand in(Path workingDirectory) {
    this.directory = workingDirectory;
    return this;
  }

  ExternalCommand env(Map<String, String> extra) {
    environment.putAll(extra);
    return this;
  }

  ExternalCommand stdin(String input) {
    this.stdin = input;
    return this;
  }

  ExternalCommand timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  Result run() {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("kapi-cmd", ".out");
      err = Files.createTempFile("kapi-cmd", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (directory != null) {
        pb.directory(directory.toFile());
      }
      pb.environment().putAll(environment);
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
            + "\n--- stdout\n" + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
      }
      return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Whether {@code program} is an executable on PATH. */
  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<Path> dirs = new ArrayList<>();
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return dirs.stream().map(d -> d.resolve(program)).anyMatch(Files::isExecutable);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
