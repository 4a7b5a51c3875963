package dev.kapi.cli;

import picocli.CommandLine;

/**
 * Turns any exception from a command into one line on stderr and exit code 1; the stack trace only with
 * {@code -v} (a {@code kapi.verbose} system property set by the verbose flag).
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    if (Boolean.getBoolean("kapi.verbose")) {
      e.printStackTrace(cl.getErr());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cl.getErr().println("error: " + message.lines().findFirst().orElse(message));
    return e instanceof ExitCodeException x ? x.exitCode() : 1;
  }
}
