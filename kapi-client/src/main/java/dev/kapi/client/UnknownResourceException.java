package dev.kapi.client;

/** A resource name that the server's discovery documents do not know, even after a refresh. */
public final class UnknownResourceException extends KubeException {

  private final String name;

  public UnknownResourceException(String name) {
    super("the server doesn't have a resource type \"" + name + "\"");
    this.name = name;
  }

  /** The name as the caller gave it. */
  public String name() {
    return name;
  }
}
