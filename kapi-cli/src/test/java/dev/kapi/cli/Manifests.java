package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kapi.testing.ApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * deploy/'s Kustomize manifests, rendered with {@code kubectl kustomize} and applied with {@code kubectl} against
 * the test's real API server: exactly what a user runs.
 */
final class Manifests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();

  private final Path repoRoot;
  private final Path scratch;
  private final ApiServer api;

  Manifests(ApiServer api) {
    this.api = api;
    this.repoRoot = repoRoot();
    this.scratch = Path.of("target", "kustomize").toAbsolutePath();
  }

  static Path repoRoot() {
    String root = System.getProperty("kapi.repo.root");
    return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** kubectl, which CI provides; a clear failure rather than a skip when it is missing. */
  static void requireKubectl() {
    assertThat(ExternalCommand.onPath("kubectl"))
        .as("kubectl on PATH (renders deploy/ with its built-in kustomize and applies it)").isTrue();
  }

  /** {@code kubectl kustomize} of the variant exactly as shipped (namespace kapi-demo). */
  String renderShipped(DeployVariant variant) {
    return kustomize(repoRoot.resolve(variant.directory()));
  }

  /**
   * The variant in another namespace, the way deploy/README.md tells users to do it: a kustomization of their
   * own with {@code namespace:}, deploy/base as its resource and the variant's components.
   */
  String renderInto(DeployVariant variant, String namespace) {
    try {
      Path dir = scratch.resolve(namespace + "-" + variant.name().toLowerCase());
      Files.createDirectories(dir);
      StringBuilder k = new StringBuilder()
          .append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
          .append("namespace: ").append(namespace).append('\n')
          .append("resources:\n  - ").append(relative(dir, repoRoot.resolve("deploy/base"))).append('\n');
      if (!variant.components().isEmpty()) {
        k.append("components:\n");
        for (String c : variant.components()) {
          k.append("  - ").append(relative(dir, repoRoot.resolve("deploy/components/" + c))).append('\n');
        }
      }
      Files.writeString(dir.resolve("kustomization.yaml"), k);
      return kustomize(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of a multi-document YAML stream. */
  static List<ObjectNode> documents(String yaml) {
    try {
      List<ObjectNode> docs = new ArrayList<>();
      try (var it = YAML.readerFor(ObjectNode.class).<ObjectNode>readValues(yaml)) {
        while (it.hasNext()) {
          ObjectNode doc = it.next();
          if (doc != null && doc.size() > 0) {
            docs.add(doc);
          }
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode only(List<ObjectNode> docs, String kind) {
    List<ObjectNode> matching = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(matching).as("exactly one %s", kind).hasSize(1);
    return matching.get(0);
  }

  /** {@code kubectl apply [--dry-run=server] -o json -f -} as cluster admin; the objects the API server returned. */
  List<JsonNode> apply(String manifests, boolean serverDryRun) {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", api.adminKubeconfig().toString(),
        "apply", "-o", "json", "-f", "-"));
    if (serverDryRun) {
      cmd.add("--dry-run=server");
    }
    ExternalCommand.Result r = ExternalCommand.of(cmd).stdin(manifests).run();
    assertThat(r.succeeded()).as(r.describe()).isTrue();
    try {
      JsonNode out = JSON.readTree(r.stdout());
      List<JsonNode> objects = new ArrayList<>();
      if ("List".equals(out.path("kind").asText())) {
        out.path("items").forEach(objects::add);
      } else {
        objects.add(out);
      }
      return objects;
    } catch (IOException e) {
      throw new AssertionError("kubectl apply printed no JSON: " + r.describe(), e);
    }
  }

  /** A namespace whose Pods must meet the "restricted" Pod Security Standard, enforced by the API server. */
  void createRestrictedNamespace(String namespace) {
    ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    ObjectNode labels = ns.putObject("metadata").put("name", namespace).putObject("labels");
    labels.put("pod-security.kubernetes.io/enforce", "restricted");
    labels.put("pod-security.kubernetes.io/enforce-version", "latest");
    api.admin().ensure("/api/v1/namespaces", ns);
  }

  private String kustomize(Path dir) {
    ExternalCommand.Result r = ExternalCommand.of("kubectl", "kustomize", dir.toString()).run();
    assertThat(r.succeeded()).as(r.describe()).isTrue();
    return r.stdout();
  }

  private static String relative(Path from, Path to) {
    return from.relativize(to).toString();
  }
}
