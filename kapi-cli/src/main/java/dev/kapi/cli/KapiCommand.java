package dev.kapi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code kapi} command: its subcommands, and kubectl's global connection flags, which may come
 * before the subcommand too ({@code kapi -n kube-system get pods}); the subcommands that talk to a server read
 * them through {@link ConnectionOptions#effective()}.
 */
@Command(name = "kapi",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    sortOptions = false,
    customSynopsis = "kapi [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]",
    description = "Reach the Kubernetes REST API from inside a Pod: an ambassador proxy, raw reads, discovery.",
    optionListHeading = "%nGlobal flags, as kubectl's: before or after the command (kapi -n NS get pods = "
        + "kapi get pods -n NS); if one is given twice, the last wins:%n",
    commandListHeading = "%nCommands:%n",
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

  /** The flags given before the subcommand; each command that talks to a server has the same mixin. */
  @CommandLine.Mixin
  ConnectionOptions connection;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /** With a factory for the commands and mixins (tests give the connection flags an environment of their own). */
  static CommandLine commandLine(CommandLine.IFactory factory) {
    return OneLineErrors.configure(new CommandLine(new KapiCommand(), factory));
  }
}
