package dev.kapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a parsed kubeconfig file together with where it is, so every typed read can fail with a
 * {@link ConfigException} naming the file and the field ({@code users[alice].client-key-data}) and never the value.
 *
 * <p>As in kubectl (Go zero values), an empty string means "not set".
 */
final class KubeconfigNode {

  private final Path file;
  private final String path;
  private final JsonNode node;

  private KubeconfigNode(Path file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  static KubeconfigNode root(Path file, JsonNode node) {
    return new KubeconfigNode(file, "", node);
  }

  Path file() {
    return file;
  }

  /** This node's field path ("" for the document). */
  String path() {
    return path;
  }

  /** The same node, reported under another path (a list entry once its name is known: {@code users[alice]}). */
  KubeconfigNode as(String newPath) {
    return new KubeconfigNode(file, newPath, node);
  }

  boolean present() {
    return node != null && !node.isMissingNode() && !node.isNull();
  }

  KubeconfigNode child(String key) {
    JsonNode c = present() && node.isObject() ? node.get(key) : null;
    return new KubeconfigNode(file, field(key), c);
  }

  /** Fails unless this node is absent or a mapping. */
  KubeconfigNode requireObject() {
    if (present() && !node.isObject()) {
      throw error("must be a mapping (key: value), not " + kind());
    }
    return this;
  }

  Optional<String> string(String key) {
    KubeconfigNode c = child(key);
    if (!c.present()) {
      return Optional.empty();
    }
    if (!c.node.isTextual()) {
      throw c.error("must be a string, not " + c.kind());
    }
    String v = c.node.asText();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** A string that was written down, even if empty (to tell "token: ''" from no token at all). */
  Optional<String> rawString(String key) {
    KubeconfigNode c = child(key);
    if (!c.present()) {
      return Optional.empty();
    }
    if (!c.node.isTextual()) {
      throw c.error("must be a string, not " + c.kind());
    }
    return Optional.of(c.node.asText());
  }

  String requiredString(String key) {
    return string(key).orElseThrow(() -> child(key).error("is missing"));
  }

  boolean bool(String key) {
    KubeconfigNode c = child(key);
    if (!c.present()) {
      return false;
    }
    if (!c.node.isBoolean()) {
      throw c.error("must be true or false, not " + c.kind());
    }
    return c.node.booleanValue();
  }

  List<KubeconfigNode> list(String key) {
    KubeconfigNode c = child(key);
    if (!c.present()) {
      return List.of();
    }
    if (!c.node.isArray()) {
      throw c.error("must be a list, not " + c.kind());
    }
    List<KubeconfigNode> out = new ArrayList<>();
    for (int i = 0; i < c.node.size(); i++) {
      out.add(new KubeconfigNode(file, c.path + "[" + i + "]", c.node.get(i)));
    }
    return out;
  }

  List<String> stringList(String key) {
    List<String> out = new ArrayList<>();
    for (KubeconfigNode n : list(key)) {
      if (!n.present() || !n.node.isTextual()) {
        throw n.error("must be a string, not " + n.kind());
      }
      out.add(n.node.asText());
    }
    return List.copyOf(out);
  }

  /** A mapping of strings to strings (auth-provider config). */
  Map<String, String> stringMap(String key) {
    KubeconfigNode c = child(key).requireObject();
    Map<String, String> out = new LinkedHashMap<>();
    if (c.present()) {
      for (var e : c.node.properties()) {
        if (!e.getValue().isTextual()) {
          throw c.child(e.getKey()).error("must be a string, not " + c.child(e.getKey()).kind());
        }
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /** Base64 data ({@code *-data} fields), decoded as text (it is PEM). */
  Optional<String> base64(String key) {
    return string(key).map(v -> {
      try {
        byte[] bytes = Base64.getDecoder().decode(v.replaceAll("[\\s]", ""));
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw child(key).error("is not valid base64");
      }
    });
  }

  /** A file path, resolved against the directory of the kubeconfig file that names it (as kubectl does). */
  Optional<Path> path(String key) {
    return string(key).map(v -> {
      try {
        return resolve(v);
      } catch (java.nio.file.InvalidPathException e) {
        throw child(key).error("is not a valid path");
      }
    });
  }

  Path resolve(String v) {
    Path p = Path.of(v);
    if (p.isAbsolute()) {
      return p;
    }
    Path dir = file.toAbsolutePath().getParent();
    return (dir == null ? p : dir.resolve(p)).normalize();
  }

  JsonNode raw() {
    return node;
  }

  ConfigException error(String problem) {
    return new ConfigException(file.toString(), path.isEmpty() ? null : path, problem);
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String kind() {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNumber()) {
      return "a number";
    }
    return "a string";
  }
}
