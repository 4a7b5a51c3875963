package dev.kapi.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} for a subcommand, as kubectl's subcommands have it (without kapi's top-level {@code -V}). */
public final class HelpOption {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;
}
