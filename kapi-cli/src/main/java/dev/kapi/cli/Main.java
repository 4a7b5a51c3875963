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
    if (args.length > 0 && args[0].equals("proxy")) {
      // the ambassador's start-up counts (first response in a new Pod): building every subcommand's model, and
      // the libraries their fields pull in, cost about 250 ms of it
      return ProxyCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    return KapiCommand.commandLine().execute(args);
  }
}
