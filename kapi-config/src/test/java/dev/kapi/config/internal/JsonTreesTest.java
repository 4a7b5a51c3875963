package dev.kapi.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mapper-free tree reader gives what {@code new ObjectMapper().readTree} gives, node types included. */
class JsonTreesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  static JsonNode read(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return JsonTrees.read(p);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]}}",
      "{\"ints\":[0,-1,2147483647,2147483648,-2147483649,9223372036854775807,9223372036854775808,-9223372036854775809]}",
      "{\"floats\":[0.5,-1.25e3,1E-7,1e400,-0.0,3.141592653589793238462643383279]}",
      "{\"s\":\"\\u00e9\\n\\\"q\\\" \\ud83d\\ude00\",\"t\":true,\"f\":false,\"n\":null,\"e\":{},\"a\":[],\"nested\":[[],[{}],[[1]]]}",
      "{\"dup\":1,\"dup\":{\"x\":2},\"other\":3,\"dup\":[4]}",
      "[1,\"two\",{\"three\":3},[4]]",
      "\"scalar\"",
      "42",
      "null",
      "{\"a\":1} trailing tokens are not read",
  })
  void readsTheSameTreeAsObjectMapper(String json) throws IOException {
    JsonNode expected = MAPPER.readTree(json);
    JsonNode actual = read(json);
    assertThat(actual).isEqualTo(expected);
    assertSameNodeTypes(actual, expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n"})
  void noContentIsAMissingNode(String json) throws IOException {
    assertThat(read(json).isMissingNode()).isTrue();
    assertThat(MAPPER.readTree(json).isMissingNode()).isTrue();
  }

  @org.junit.jupiter.api.Test
  void deepNestingWithinTheParserLimitIsRead() throws IOException {
    String json = "[".repeat(900) + "]".repeat(900);
    assertThat(read(json)).isEqualTo(MAPPER.readTree(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":", "{\"a\":1", "[1,2", "{\"a\" 1}", "[1,]x", "{\"a\":tru}"})
  void malformedJsonFailsAsAParseError(String json) {
    assertThatThrownBy(() -> read(json)).isInstanceOf(JsonProcessingException.class);
  }

  private static void assertSameNodeTypes(JsonNode actual, JsonNode expected) {
    assertThat(actual.getClass()).isEqualTo(expected.getClass());
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> a = actual.fields();
      Iterator<Map.Entry<String, JsonNode>> e = expected.fields();
      while (e.hasNext()) {
        Map.Entry<String, JsonNode> ea = a.next();
        Map.Entry<String, JsonNode> ee = e.next();
        assertThat(ea.getKey()).isEqualTo(ee.getKey()); // field order kept
        assertSameNodeTypes(ea.getValue(), ee.getValue());
      }
      assertThat(a.hasNext()).isFalse();
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameNodeTypes(actual.get(i), expected.get(i));
      }
    }
  }
}
