package dev.kapi.config;

/** In-cluster configuration was asked for, but this process does not look like it runs in a Pod. */
public final class NotInClusterException extends ConfigException {

  public NotInClusterException(String source, String problem) {
    super(source, null, problem);
  }
}
