package dev.kapi.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.kapi.client.KubeApiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/** How the client commands print, in kubectl's formats: JSON (sorted keys, 4 spaces), YAML, tables, errors. */
final class Output {

  private static final int MIN_WIDTH = 6; // kubectl's tabwriter: minwidth 6, padding 3
  private static final int PADDING = 3;

  private final ObjectMapper json = new ObjectMapper();
  private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .stringQuotingChecker(new GoYamlQuoting())
      .build());
  private final DefaultPrettyPrinter pretty;

  Output() {
    DefaultIndenter four = new DefaultIndenter("    ", "\n");
    pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
        .withObjectIndenter(four).withArrayIndenter(four);
  }

  void json(JsonNode node, PrintWriter out) {
    try {
      out.println(json.writer(pretty).writeValueAsString(sorted(node)));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void yaml(JsonNode node, PrintWriter out) {
    try {
      out.print(yaml.writeValueAsString(sorted(node)));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code -o json|yaml} for one object or a kubectl {@code List}. */
  void object(JsonNode node, String format, PrintWriter out) {
    if (format.equals("yaml")) {
      yaml(node, out);
    } else {
      json(node, out);
    }
  }

  static ObjectNode list(List<? extends JsonNode> items) {
    ObjectNode l = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1");
    ArrayNode a = l.putArray("items");
    items.forEach(a::add);
    l.put("kind", "List");
    l.putObject("metadata").put("resourceVersion", "");
    return l;
  }

  /** Columns aligned as kubectl's tabwriter does (minimum width 6, padding 3); the last column is not padded. */
  static void table(List<String> headers, List<List<String>> rows, boolean noHeaders, PrintWriter out) {
    List<List<String>> all = new ArrayList<>();
    if (!noHeaders) {
      all.add(headers);
    }
    all.addAll(rows);
    int columns = headers.size();
    int[] width = new int[columns];
    for (List<String> r : all) {
      for (int c = 0; c < columns - 1; c++) {
        width[c] = Math.max(width[c], Math.max(MIN_WIDTH, r.get(c).length() + PADDING));
      }
    }
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        String cell = r.get(c);
        line.append(cell);
        if (c < columns - 1) {
          line.append(" ".repeat(width[c] - cell.length()));
        }
      }
      out.println(line); // Go's tabwriter pads every cell but the last, even before an empty last cell
    }
    out.flush();
  }

  /** kubectl's line for an API error: {@code Error from server (NotFound): configmaps "x" not found}. */
  static String serverError(KubeApiException e) {
    String reason = e.reason().isEmpty() ? "HTTP " + e.code() : e.reason();
    String message = e.status().message().isEmpty() ? "the server responded with HTTP " + e.code() : e.status().message();
    return "Error from server (" + reason + "): " + message;
  }

  /** Drops {@code metadata.managedFields} from an object or a List's items, as kubectl does by default. */
  static JsonNode withoutManagedFields(JsonNode n) {
    JsonNode copy = n.deepCopy();
    if (copy.path("metadata") instanceof ObjectNode m) {
      m.remove("managedFields");
    }
    for (JsonNode item : copy.path("items")) {
      if (item.path("metadata") instanceof ObjectNode m) {
        m.remove("managedFields");
      }
    }
    return copy;
  }

  /** A copy with object keys sorted, as kubectl's printers (which go through Go maps) show them. */
  static JsonNode sorted(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> m = new TreeMap<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
        String k = it.next();
        m.put(k, sorted(n.get(k)));
      }
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      m.forEach(o::set);
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> a.add(sorted(e)));
      return a;
    }
    return n;
  }
}
