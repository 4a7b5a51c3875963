package dev.kapi.cli;

/** A command failure that carries its own exit code and a one-line message for the user. */
public class ExitCodeException extends RuntimeException {
  private final int exitCode;

  public ExitCodeException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
