package dev.kapi.config;

/** The credential cannot be produced right now (token file missing or empty, exec plugin failing). */
public final class CredentialsUnavailableException extends ConfigException {

  public CredentialsUnavailableException(String source, String problem) {
    super(source, null, problem);
  }

  public CredentialsUnavailableException(String source, String problem, Throwable cause) {
    super(source, null, problem, cause);
  }

  /** With the field that configured the credential (e.g. {@code users[alice].exec}). */
  public CredentialsUnavailableException(String source, String field, String problem, Throwable cause) {
    super(source, field, problem, cause);
  }
}
