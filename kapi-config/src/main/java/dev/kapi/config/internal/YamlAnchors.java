package dev.kapi.config.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * YAML anchors and aliases for {@link JsonTrees}, resolved as kubectl's YAML reader resolves them: {@code &name}
 * marks a mapping or list, {@code *name} stands for a copy of it, and {@code <<: *name} merges a mapping's keys
 * into the one it appears in (keys written there win). Jackson's YAML parser reports aliases without resolving them
 * (an alias read as the string "name", so a kubeconfig with {@code token: *tok} sent "tok"), and it drops the
 * anchor of a single value: an alias to one is an error naming it, not a wrong value. Only for YAML parsers; a
 * JSON parser never loads this class.
 */
final class YamlAnchors {

  static final String MERGE_KEY = "<<";

  private final Map<String, JsonNode> nodes = new HashMap<>();

  boolean isAlias(JsonParser p) {
    return p instanceof YAMLParser y && y.isCurrentAlias();
  }

  /** A copy of the node the current alias names. */
  JsonNode resolve(JsonParser p) throws IOException {
    String name = p.getText();
    JsonNode n = nodes.get(name);
    if (n == null) {
      // Jackson's parser reports anchors on mappings and lists only: one on a single value is lost before here
      throw new JsonParseException(p, "alias *" + name + " has no anchor &" + name + " on a mapping or list before it"
          + " (an anchor on a single value is not supported: write the value out)");
    }
    return n.deepCopy();
  }

  /** Remembers {@code value} under the current token's anchor, if it has one. */
  JsonNode define(JsonParser p, JsonNode value) throws IOException {
    Object anchor = p.getObjectId();
    if (anchor != null) {
      nodes.put(anchor.toString(), value);
    }
    return value;
  }

  /** {@code <<: *name}: the keys of {@code from} that {@code into} does not have yet (its own keys win). */
  void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!into.has(e.getKey())) {
        into.set(e.getKey(), e.getValue());
      }
    }
  }
}
