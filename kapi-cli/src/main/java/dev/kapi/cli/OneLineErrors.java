package dev.kapi.cli;

import picocli.CommandLine;

/**
 * Errors as one line on stderr. Any exception from a command: exit code 1 (or the {@link ExitCodeException}'s),
 * the stack trace only with {@code -v} (given to the command or before it). A usage
 * error (unknown flag, missing value): picocli's message and a pointer to the command's help, exit 2, as
 * kubectl's flag errors.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    if (verbose(cl.getCommandSpec())) {
      e.printStackTrace(cl.getErr());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cl.getErr().println("error: " + message.lines().findFirst().orElse(message));
    return e instanceof ExitCodeException x ? x.exitCode() : 1;
  }

  private static boolean verbose(CommandLine.Model.CommandSpec command) {
    return command.mixins().containsKey("connection") && ConnectionOptions.of(command).verbosity() > 0;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cl.getErr().println("error: " + message.lines().findFirst().orElse(message)
        + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** kapi's error handling and kubectl's flag rules (a repeated flag: the last one wins) on a command line. */
  static CommandLine configure(CommandLine cl) {
    OneLineErrors handler = new OneLineErrors();
    cl.setExecutionExceptionHandler(handler);
    cl.setParameterExceptionHandler(handler);
    cl.setOverwrittenOptionsAllowed(true);
    return cl;
  }
}
