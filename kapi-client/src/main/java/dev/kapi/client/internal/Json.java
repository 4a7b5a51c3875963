package dev.kapi.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;

/** The JSON and YAML codecs of one client: Jackson trees in, bytes out. Thread-safe once built. */
public final class Json {

  private final ObjectMapper json = new ObjectMapper();
  private volatile ObjectMapper yaml; // made on first use: SnakeYAML's classes cost startup time most programs never need

  public ObjectMapper mapper() {
    return json;
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
      return json.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a JSON or YAML document into an object. */
  public ObjectNode parseObject(String text) {
    try {
      JsonNode n = text.stripLeading().startsWith("{") ? json.readTree(text) : yamlMapper().readTree(text);
      if (n instanceof ObjectNode o) {
        return o;
      }
      throw new IllegalArgumentException("not an object: " + (n == null ? "empty document" : n.getNodeType()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON or YAML: " + e.getOriginalMessage(), e);
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
