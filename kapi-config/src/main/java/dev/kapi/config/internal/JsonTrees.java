package dev.kapi.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Builds a Jackson tree from a parser with the node types {@code new ObjectMapper().readTree} gives (int, long or
 * BigInteger by size, double for fractions, last duplicate key wins, {@link MissingNode} for no content), without
 * an {@code ObjectMapper}: building one loads and initialises ~350 databind classes (serializers, introspection,
 * date formats) and cost a fresh JVM ~130 ms before the first response; reading a tree needs none of them.
 * Iterative, so nesting depth is bounded only by the parser's {@code StreamReadConstraints}.
 */
public final class JsonTrees {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {
  }

  /** The next value of the parser (it is left on the value's last token), or a MissingNode at the end of input. */
  public static JsonNode read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken() != null ? p.currentToken() : p.nextToken();
    if (t == null) {
      return MissingNode.getInstance();
    }
    // YAML's anchors (&name) and aliases (*name), which the parser reports but does not resolve; null for JSON
    YamlAnchors anchors = p.canReadObjectId() ? new YamlAnchors() : null;
    if (anchors != null && anchors.isAlias(p)) {
      return anchors.resolve(p);
    }
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return anchors == null ? scalar(p, t) : anchors.define(p, scalar(p, t));
    }
    ArrayDeque<ContainerNode<?>> outer = new ArrayDeque<>(); // the containers around the current one
    ContainerNode<?> root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
    if (anchors != null) {
      anchors.define(p, root);
    }
    ContainerNode<?> current = root;
    while (true) {
      ObjectNode object = current instanceof ObjectNode o ? o : null;
      String field = null;
      if (object != null) {
        field = p.nextFieldName(); // the parser's fast path for keys: name and token in one call
        t = field != null ? p.nextToken() : p.currentToken();
      } else {
        t = p.nextToken();
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        if (anchors != null && object != null) {
          anchors.mappingEnded(p, object);
        }
        if (outer.isEmpty()) {
          return root;
        }
        current = outer.pop();
        continue;
      }
      if (t == null || (object != null && field == null)) {
        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + (t == null ? "end of input" : t) + " inside a JSON value");
      }
      JsonNode value;
      ContainerNode<?> opened = null;
      if (anchors != null && anchors.isAlias(p)) {
        value = anchors.resolve(p);
      } else if (t == JsonToken.VALUE_STRING) {
        value = NODES.textNode(p.getText());
      } else if (t == JsonToken.START_OBJECT) {
        value = opened = NODES.objectNode();
      } else if (t == JsonToken.START_ARRAY) {
        value = opened = NODES.arrayNode();
      } else {
        value = scalar(p, t);
      }
      if (anchors != null) {
        anchors.define(p, value);
      }
      if (object != null) {
        object.replace(field, value); // a repeated key: the last value wins, as ObjectMapper.readTree
      } else {
        ((ArrayNode) current).add(value);
      }
      if (opened != null) {
        outer.push(current);
        current = opened;
      }
    }
  }

  private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> NODES.textNode(p.getText());
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT -> NODES.numberNode(p.getIntValue());
        case LONG -> NODES.numberNode(p.getLongValue());
        default -> NODES.numberNode(p.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
          ? NODES.numberNode(p.getDecimalValue()) : NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      case VALUE_EMBEDDED_OBJECT -> {
        Object o = p.getEmbeddedObject();
        yield o == null ? NODES.nullNode() : o instanceof byte[] b ? NODES.binaryNode(b) : NODES.pojoNode(o);
      }
      default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t + " where a JSON value belongs");
    };
  }
}
