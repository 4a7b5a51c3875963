package dev.kapi.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.config.internal.AnchoredYaml;
import dev.kapi.config.internal.JsonTrees;
import dev.kapi.config.internal.YamlAliasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One kubeconfig file, parsed into immutable entries. Format errors (bad YAML, wrong types, bad base64, duplicate
 * names) fail the whole file, as in kubectl; whether the chosen entries make sense is checked later, only for
 * the entries actually used.
 */
record KubeconfigFile(Path path, Optional<String> currentContext, Map<String, KubeconfigCluster> clusters,
    Map<String, KubeconfigContext> contexts, Map<String, KubeconfigUser> users) {

  // a parser and a tree builder, no YAMLMapper: building a mapper costs a fresh JVM ~150 ms of databind set-up
  // before the first request (docs/benchmarks.md, "Client"); duplicate keys still fail the file, in the parser
  private static final AnchoredYaml YAML = new AnchoredYaml();

  static KubeconfigFile read(Path path) {
    if (Files.isDirectory(path)) {
      throw new ConfigException(path.toString(), null, "is a directory, not a kubeconfig file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path.toString(), null, "does not exist");
    } catch (IOException e) {
      throw new ConfigException(path.toString(), null, "cannot be read: " + e.getClass().getSimpleName());
    }
    return parse(path, bytes);
  }

  static KubeconfigFile parse(Path path, byte[] bytes) {
    JsonNode tree;
    try {
      tree = bytes.length == 0 ? null : firstDocument(bytes);
    } catch (JsonProcessingException e) {
      throw new ConfigException(path.toString(), null, "is not valid YAML: " + describe(e));
    } catch (IOException e) {
      throw new ConfigException(path.toString(), null, "cannot be read: " + e.getClass().getSimpleName());
    }
    KubeconfigNode root = KubeconfigNode.root(path, tree).requireObject();
    root.string("kind").filter(k -> !k.equals("Config"))
        .ifPresent(k -> { throw root.child("kind").error("is " + k + ", not Config: this is not a kubeconfig file"); });
    root.string("apiVersion").filter(v -> !v.equals("v1"))
        .ifPresent(v -> { throw root.child("apiVersion").error("is " + v + "; kubeconfig files are v1"); });
    return new KubeconfigFile(path, root.string("current-context"),
        entries(root, "clusters", "cluster", KubeconfigCluster::parse),
        entries(root, "contexts", "context", KubeconfigContext::parse),
        entries(root, "users", "user", KubeconfigUser::parse));
  }

  /** The first YAML document as a tree; null when the file holds no document (only comments, say). */
  private static JsonNode firstDocument(byte[] bytes) throws IOException {
    try (JsonParser p = YAML.createParser(bytes)) {
      JsonNode tree = JsonTrees.read(p);
      return tree.isMissingNode() ? null : tree;
    }
  }

  static KubeconfigFile empty(Path path) {
    return new KubeconfigFile(path, Optional.empty(), Map.of(), Map.of(), Map.of());
  }

  private static <T> Map<String, T> entries(KubeconfigNode root, String list, String inner,
      BiFunction<String, KubeconfigNode, T> parse) {
    Map<String, T> out = new LinkedHashMap<>();
    for (KubeconfigNode entry : root.list(list)) {
      entry.requireObject();
      String name = entry.requiredString("name");
      String path = list + "[" + name + "]";
      if (out.containsKey(name)) {
        throw entry.child("name").error("is " + name + ", which is defined twice in this file");
      }
      // errors inside an entry name it (users[alice].token), not its position; the brief's field names skip "user:"
      out.put(name, parse.apply(name, entry.child(inner).as(path)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The parser's complaint and position, without echoing the line (it may hold a token). */
  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    String problem = "syntax error";
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
      problem = m.getProblem();
    } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
      String m = e.getOriginalMessage();
      int end = m.indexOf('\'', m.indexOf('\'') + 1);
      problem = end > 0 ? m.substring(0, end + 1) : "duplicate field"; // names the key only
    } else if (e instanceof YamlAliasException) {
      problem = e.getOriginalMessage(); // names anchors, never a value
    }
    return problem + where;
  }
}
