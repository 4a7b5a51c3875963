package dev.kapi.config;

/**
 * Configuration that cannot be used, with where it came from: the file (or variable, or flag) and the field.
 * The message never contains a secret.
 */
public class ConfigException extends RuntimeException {

  private final String source;
  private final String field;
  private final String problem;

  public ConfigException(String source, String field, String problem) {
    this(source, field, problem, null);
  }

  public ConfigException(String source, String field, String problem, Throwable cause) {
    super(format(source, field, problem), cause);
    this.source = source;
    this.field = field;
    this.problem = problem;
  }

  /** The file path, environment variable or flag the bad value came from. */
  public String source() {
    return source;
  }

  /** The field within the source (e.g. {@code users[admin].client-key-data}), or null. */
  public String field() {
    return field;
  }

  /** What is wrong, without source and field (for re-wrapping with more context). */
  public String problem() {
    return problem;
  }

  private static String format(String source, String field, String problem) {
    StringBuilder b = new StringBuilder();
    if (source != null) {
      b.append(source);
    }
    if (field != null) {
      b.append(b.length() > 0 ? ": " : "").append(field);
    }
    return b.length() == 0 ? problem : b + " " + problem;
  }
}
