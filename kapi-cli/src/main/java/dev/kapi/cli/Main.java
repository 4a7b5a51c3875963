package dev.kapi.cli;

import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Entry point of {@code ./kapi}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    QuickExit.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    if (System.getProperty("slf4j.provider") == null) {
      // names the logging backend instead of letting SLF4J search every jar on the class path for one (start-up)
      System.setProperty("slf4j.provider", LoggingProvider.class.getName());
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN"); // else SLF4J says on stderr that it used the property
      }
    }
    if (System.getProperty("java.nio.channels.spi.SelectorProvider") == null
        && System.getProperty("os.name", "").startsWith("Linux")) {
      // the JDK's own provider, named: otherwise the first selector (Netty's, java.net.http's) looks for a provider
      // in every jar on the class path, opening each one, about 40 ms of start-up
      System.setProperty("java.nio.channels.spi.SelectorProvider", "sun.nio.ch.EPollSelectorProvider");
    }
    if (System.getProperty("picocli.disable.closures") == null) {
      // picocli otherwise looks for Groovy's Closure class on first use, and a class that is not there is searched
      // for in every jar on the class path: about 40 ms of every start (no kapi option is a Groovy closure)
      System.setProperty("picocli.disable.closures", "true");
    }
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      // a kubeconfig proxy-url with user:password sends Basic on the CONNECT to the proxy, as kubectl does; the JDK
      // strips it from tunnels by default, and the proxy would answer 407
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
    Optional<String[]> proxy = proxyArgs(args);
    if (proxy.isPresent()) {
      // the ambassador's start-up counts (first response in a new Pod): building every subcommand's model, and
      // the libraries their fields pull in, cost about 250 ms of it
      return ProxyCommand.run(proxy.get());
    }
    return KapiCommand.commandLine().execute(args);
  }

  /**
   * The arguments for {@code kapi proxy} if that is the command, else empty. Global flags given before
   * {@code proxy} are moved after it, in their order and ahead of proxy's own, so the last occurrence of a flag
   * still wins; anything else before it (help, a typo) leaves the full command line to answer.
   */
  static Optional<String[]> proxyArgs(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (args[0].equals("proxy")) {
      return Optional.of(Arrays.copyOfRange(args, 1, args.length));
    }
    if (!args[0].startsWith("-")) {
      return Optional.empty();
    }
    // only the global flags, then the command and its arguments, untouched
    CommandSpec leading = CommandSpec.create().name("kapi");
    leading.addMixin("connection", new ConnectionOptions().mixin());
    leading.addPositional(PositionalParamSpec.builder().arity("0..*").type(String[].class).build());
    CommandLine cl = new CommandLine(leading).setStopAtPositional(true).setOverwrittenOptionsAllowed(true);
    String[] rest;
    try {
      rest = cl.parseArgs(args).matchedPositionalValue(0, new String[0]);
    } catch (CommandLine.ParameterException e) {
      return Optional.empty();
    }
    if (rest.length == 0 || !rest[0].equals("proxy")) {
      return Optional.empty();
    }
    int flags = args.length - rest.length;
    String[] out = new String[args.length - 1];
    System.arraycopy(args, 0, out, 0, flags);
    System.arraycopy(args, flags + 1, out, flags, rest.length - 1);
    return Optional.of(out);
  }
}
