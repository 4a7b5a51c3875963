package dev.kapi.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.kapi.config.internal.AnchoredYaml;
import dev.kapi.config.internal.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JSON and YAML codecs of one client: Jackson trees in, bytes out. Thread-safe. Responses are read with the
 * streaming parser ({@link JsonTrees}); the ObjectMapper is made on first use (writing a body, or a caller asking
 * for it), because building one costs a fresh JVM more than the rest of the first request (see JsonTrees).
 */
public final class Json {

  private final JsonFactory factory = new JsonFactory();
  private volatile ObjectMapper json;
  private volatile ObjectMapper yaml; // made on first use: SnakeYAML's classes cost startup time most programs never need

  public ObjectMapper mapper() {
    ObjectMapper m = json;
    if (m == null) {
      synchronized (this) {
        m = json;
        if (m == null) {
          m = new ObjectMapper();
          json = m;
        }
      }
    }
    return m;
  }

  /** The streaming factory responses are read with. */
  public JsonFactory factory() {
    return factory;
  }

  /**
   * Parses one JSON value from the stream into a tree ({@code MissingNode} when it is empty). Leaves the stream
   * open and positioned after the value: the caller drains and closes it.
   */
  public JsonNode tree(InputStream in) throws IOException {
    try (JsonParser p = factory.createParser(in)) {
      p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      return JsonTrees.read(p);
    }
  }

  public ObjectMapper yamlMapper() {
    ObjectMapper y = yaml;
    if (y == null) {
      y = new ObjectMapper(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build());
      yaml = y;
    }
    return y;
  }

  public byte[] bytes(JsonNode node) {
    try {
      return mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode JSON: " + e.getMessage(), e);
    }
  }

  /** The first YAML document, its anchors and aliases resolved as kubectl resolves them (a mapper leaves them). */
  private static JsonNode yamlTree(String text) throws IOException {
    try (JsonParser p = new AnchoredYaml().createParser(text)) { // made here: see the yaml field
      return JsonTrees.read(p);
    }
  }

  /** Parses a JSON or YAML document into an object. */
  public ObjectNode parseObject(String text) {
    try {
      JsonNode n = text.stripLeading().startsWith("{") ? mapper().readTree(text) : yamlTree(text);
      if (n instanceof ObjectNode o) {
        return o;
      }
      throw new IllegalArgumentException("not an object: "
          + (n == null || n.isMissingNode() ? "empty document" : n.getNodeType()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON or YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a String cannot fail to be read
    }
  }

  public String yaml(JsonNode node) {
    try {
      return yamlMapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
