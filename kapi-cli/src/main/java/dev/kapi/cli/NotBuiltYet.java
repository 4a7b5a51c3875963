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

  @Command(name = "proxy", description = "Run the ambassador proxy (not built yet).")
  static final class Proxy extends Placeholder {
    String name() {
      return "proxy";
    }
  }

  @Command(name = "get", description = "Get resources or a raw path (not built yet).")
  static final class Get extends Placeholder {
    String name() {
      return "get";
    }
  }

  @Command(name = "api-resources", description = "List the API resources the server has (not built yet).")
  static final class ApiResources extends Placeholder {
    String name() {
      return "api-resources";
    }
  }

  @Command(name = "whoami", description = "Show who the credentials authenticate as (not built yet).")
  static final class WhoAmI extends Placeholder {
    String name() {
      return "whoami";
    }
  }
}
