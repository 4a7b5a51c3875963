package dev.kapi.cli;

import picocli.CommandLine;

/** Entry point of {@code ./kapi}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return KapiCommand.commandLine().execute(args);
  }
}
