package dev.kapi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kapi version}: this build's version and the Java runtime it runs on. */
@Command(name = "version", description = "Print kapi's version.")
public final class VersionCommand implements Runnable {

  @Mixin
  HelpOption helpOption;

  /** Also answers {@code kapi --version}. */
  public static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {line()};
    }
  }

  static String line() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return "kapi " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")";
  }

  @Override
  public void run() {
    System.out.println(line());
  }
}
