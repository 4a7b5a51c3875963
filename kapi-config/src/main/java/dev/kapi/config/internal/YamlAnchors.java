package dev.kapi.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * YAML anchors and aliases for {@link JsonTrees}, resolved as kubectl's YAML reader resolves them: {@code &name}
 * marks a value, {@code *name} stands for a copy of it, and {@code <<} merges a mapping's keys, or each of a list
 * of mappings' keys, into the mapping it appears in (keys written there win, then earlier mappings in the list).
 * Jackson's YAML parser reports aliases without resolving them (an alias read as the string "name", so a kubeconfig
 * with {@code token: *tok} sent "tok"); it reports the anchor of a single value only through {@link AnchoredYaml}.
 * Only for YAML parsers; a JSON parser never loads this class.
 *
 * <p>A few lines of aliases to aliases can stand for billions of values; as kubectl's reader does, a document
 * whose values come almost all from aliases is refused ("excessive aliasing") rather than expanded.
 */
final class YamlAnchors {

  static final String MERGE_KEY = "<<";

  private final Map<String, JsonNode> nodes = new HashMap<>();
  private long values; // every value in the tree so far, an alias's copies included
  private long aliased; // the values that came from aliases

  boolean isAlias(JsonParser p) {
    return p instanceof YAMLParser y && y.isCurrentAlias();
  }

  /** A copy of the node the current alias names. */
  JsonNode resolve(JsonParser p) throws IOException {
    String name = p.getText();
    JsonNode n = nodes.get(name);
    if (n == null) {
      throw new YamlAliasException(p, "alias *" + name + " has no anchor &" + name + " before it");
    }
    long size = size(n);
    aliased += size;
    values += size;
    // go-yaml's rule (kubectl's reader): up to 99 % of a document's values may come from aliases, down to 10 %
    // for documents of millions of values
    if (aliased > 100 && values > 1000 && aliased > allowedAliasShare(values) * values) {
      throw new YamlAliasException(p, "document contains excessive aliasing (alias *" + name + " would make "
          + aliased + " of its " + values + " values copies)");
    }
    return n.deepCopy();
  }

  private static double allowedAliasShare(long values) {
    if (values <= 400_000) {
      return 0.99;
    }
    if (values >= 4_000_000) {
      return 0.10;
    }
    return 0.99 - 0.89 * (values - 400_000) / 3_600_000.0;
  }

  private static long size(JsonNode root) {
    long n = 0;
    ArrayDeque<JsonNode> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      n++;
      if (node.isContainerNode()) {
        node.elements().forEachRemaining(todo::push);
      }
    }
    return n;
  }

  /** Counts a value, and remembers it under the current token's anchor, if it has one. */
  JsonNode define(JsonParser p, JsonNode value) throws IOException {
    values++;
    Object anchor = p.getObjectId();
    if (anchor != null) {
      nodes.put(anchor.toString(), value);
    }
    return value;
  }

  /**
   * A mapping has ended: its {@code <<} entry, if any, is replaced by the keys it merges that the mapping does not
   * have yet. Done at the end, so that the mapping's own keys win wherever they are written.
   */
  void mappingEnded(JsonParser p, ObjectNode mapping) throws IOException {
    JsonNode merge = mapping.remove(MERGE_KEY);
    if (merge == null) {
      return;
    }
    if (merge.isObject()) {
      merge(mapping, (ObjectNode) merge);
      return;
    }
    if (merge.isArray()) {
      for (JsonNode m : merge) {
        if (!m.isObject()) {
          throw new YamlAliasException(p, "a merge key (<<) takes a mapping or a list of mappings, not a list of "
              + m.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        merge(mapping, (ObjectNode) m);
      }
      return;
    }
    throw new YamlAliasException(p, "a merge key (<<) takes a mapping or a list of mappings, not a "
        + merge.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
  }

  /** The keys of {@code from} that {@code into} does not have yet. */
  private static void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!into.has(e.getKey())) {
        into.set(e.getKey(), e.getValue());
      }
    }
  }
}
