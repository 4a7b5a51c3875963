package dev.kapi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code kapi} command: a list of subcommands, nothing else. */
@Command(name = "kapi",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Reach the Kubernetes REST API from inside a Pod: an ambassador proxy, raw reads, discovery.",
    subcommands = {
        VersionCommand.class,
        ProxyCommand.class,
        GetCommand.class,
        ApiResourcesCommand.class,
        ApiVersionsCommand.class,
        WhoAmICommand.class,
        CompletionCommand.class,
        dev.kapi.cli.demo.DemoCommand.class,
        CommandLine.HelpCommand.class
    })
public final class KapiCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KapiCommand());
    cl.setExecutionExceptionHandler(new OneLineErrors());
    return cl;
  }
}
