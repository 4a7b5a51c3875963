package dev.kapi.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code kapi} command: its subcommands, and kubectl's global connection flags, which may come
 * before the subcommand too ({@code kapi -n kube-system get pods}); the subcommands that talk to a server read
 * them through {@link ConnectionOptions#effective()}.
 */
@Command(name = "kapi",
    versionProvider = VersionCommand.Provider.class,
    sortOptions = false,
    customSynopsis = "kapi [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]",
    description = "Reach the Kubernetes REST API from inside a Pod: an ambassador proxy, raw reads, discovery.",
    optionListHeading = "%nGlobal flags, as kubectl's: before or after the command (kapi -n NS get pods = "
        + "kapi get pods -n NS); if one is given twice, the last wins:%n",
    commandListHeading = "%nCommands:%n")
public final class KapiCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /**
   * With a factory for the commands and mixins (tests give the connection flags an environment of their own). The
   * connection flags are a mixin defined in code ({@link ConnectionOptions}), added here to {@code kapi} (the flags
   * given before the subcommand) and to each command that talks to a server, after its own flags.
   */
  static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine kapi = new CommandLine(new KapiCommand(), factory);
    kapi.getCommandSpec().addMixin("connection", connection(factory).mixin());
    kapi.getCommandSpec().mixinStandardHelpOptions(true); // after the flags, as picocli places them
    kapi.addSubcommand(new CommandLine(new VersionCommand(), factory));
    kapi.addSubcommand("proxy", new CommandLine(new ProxyCommand(connection(factory)).spec(), factory));
    for (Object command : List.of(new GetCommand(), new ApiResourcesCommand(), new ApiVersionsCommand(),
        new WhoAmICommand())) {
      CommandLine sub = new CommandLine(command, factory);
      sub.getCommandSpec().addMixin("connection", connection(factory).mixin());
      kapi.addSubcommand(sub);
    }
    kapi.addSubcommand(new CommandLine(new CompletionCommand(), factory));
    kapi.addSubcommand(new CommandLine(new dev.kapi.cli.demo.DemoCommand(), factory));
    kapi.addSubcommand(new CommandLine(new CommandLine.HelpCommand(), factory));
    return OneLineErrors.configure(kapi);
  }

  private static ConnectionOptions connection(CommandLine.IFactory factory) {
    try {
      return factory.create(ConnectionOptions.class);
    } catch (Exception e) {
      throw new CommandLine.InitializationException("cannot create the connection flags: " + e.getMessage(), e);
    }
  }
}
