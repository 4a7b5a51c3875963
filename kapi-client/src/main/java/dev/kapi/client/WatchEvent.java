package dev.kapi.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a watch: what happened and the object after it ({@code DELETED}: its last state; {@code BOOKMARK}:
 * only {@code metadata.resourceVersion}; {@code ERROR}: a Status).
 */
public record WatchEvent(Type type, ObjectNode object) {

  public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK, ERROR }

  public String resourceVersion() {
    return object.path("metadata").path("resourceVersion").asText("");
  }

  public String name() {
    return object.path("metadata").path("name").asText("");
  }

  public String namespace() {
    return object.path("metadata").path("namespace").asText("");
  }
}
