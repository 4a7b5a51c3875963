package dev.kapi.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Subcommands whose issues have not landed yet: each says so plainly and exits 3. */
final class NotBuiltYet {

  private NotBuiltYet() {
  }

  abstract static class Placeholder implements Callable<Integer> {
    @Unmatched
    List<String> ignored;

    abstract String name();

    @Override
    public Integer call() {
      System.err.println("error: 'kapi " + name() + "' is not built yet");
      return 3;
    }
  }
}
