package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against the real API server, compared with kubectl where kubectl has the same command. */
@ExtendWith(ApiServerExtension.class)
class ClientCommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  static String kubectl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", args, out).isZero();
    return out;
  }

  /** kubectl's stdout alone, expecting {@code exit}. */
  static String kubectlOut(int exit, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s", List.of(args)).isEqualTo(exit);
    return out;
  }

  CliRun admin(ApiServer api, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--kubeconfig=" + api.adminKubeconfig());
    return CliRun.run(Map.of(), home, a.toArray(String[]::new));
  }

  @Test
  void apiResourcesPrintsExactlyWhatKubectlPrints(ApiServer api) throws Exception {
    CliRun kapi = admin(api, "api-resources");
    assertThat(kapi.exit()).isZero();
    assertThat(kapi.out()).isEqualTo(kubectl("api-resources", "--kubeconfig", api.adminKubeconfig().toString()));
    assertThat(kapi.out().lines().count()).isGreaterThan(50);

    CliRun namespaced = admin(api, "api-resources", "--namespaced=false", "--api-group=rbac.authorization.k8s.io", "-o", "wide");
    assertThat(namespaced.out()).isEqualTo(kubectl("api-resources", "--namespaced=false", "--api-group=rbac.authorization.k8s.io",
        "-o", "wide", "--kubeconfig", api.adminKubeconfig().toString()));
  }

  @Test
  void apiVersionsPrintsExactlyWhatKubectlPrints(ApiServer api) throws Exception {
    CliRun kapi = admin(api, "api-versions");
    assertThat(kapi.out()).isEqualTo(kubectl("api-versions", "--kubeconfig", api.adminKubeconfig().toString()));
  }

  @Test
  void getRawFromThePodViewPrintsTheSeedsBatchV1Document(ApiServer api) throws Exception {
    PodView pod = api.podView(api.uniqueNamespace("raw"), "reader");

    CliRun r = CliRun.run(pod.envWithDirectory(), home, "get", "--raw", "/apis/batch/v1");

    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode served = JSON.readTree(r.out());
    JsonNode seed;
    try (InputStream in = getClass().getResourceAsStream("/seed-apis-batch-v1.json")) {
      seed = JSON.readTree(in);
    }
    // the same document as the seed's curl through kubectl proxy; a 1.36 server also fills singularName
    assertThat(served.path("kind").asText()).isEqualTo(seed.path("kind").asText());
    assertThat(served.path("groupVersion").asText()).isEqualTo("batch/v1");
    assertThat(served.path("resources")).hasSameSizeAs(seed.path("resources"));
    for (int i = 0; i < seed.path("resources").size(); i++) {
      JsonNode want = seed.path("resources").get(i);
      JsonNode got = served.path("resources").get(i);
      for (String field : List.of("name", "namespaced", "kind", "verbs", "shortNames", "categories")) {
        assertThat(got.path(field)).as(want.path("name") + "." + field).isEqualTo(want.path(field));
      }
    }
  }

  @Test
  void getRawTakesASelectorWithSpacesAsKubectlDoes(ApiServer api) throws Exception {
    String path = "/api/v1/namespaces?labelSelector=kubernetes.io/metadata.name in (default,kube-system)";
    CliRun kapi = admin(api, "get", "--raw", path);
    assertThat(kapi.exit()).as(kapi.err()).isZero();
    List<String> names = new ArrayList<>();
    JSON.readTree(kapi.out()).path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
    List<String> kubectlNames = new ArrayList<>();
    JSON.readTree(kubectlOut(0, "get", "--raw", path, "--kubeconfig", api.adminKubeconfig().toString())).path("items")
        .forEach(i -> kubectlNames.add(i.at("/metadata/name").asText()));
    assertThat(names).containsExactlyInAnyOrder("default", "kube-system").isEqualTo(kubectlNames);
  }

  @Test
  void getRawOfAMissingPathExitsOneWithTheServersMessage(ApiServer api) {
    PodView pod = api.podView(api.uniqueNamespace("raw404"), "reader");
    CliRun r = CliRun.run(pod.envWithDirectory(), home, "get", "--raw", "/apis/nosuch.example/v1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("Error from server (NotFound): the server could not find the requested resource\n");
  }

  @Test
  void whoamiInThePodViewNamesTheServiceAccount(ApiServer api) {
    String ns = api.uniqueNamespace("who");
    PodView pod = api.podView(ns, "robot");
    CliRun r = CliRun.run(pod.envWithDirectory(), home, "whoami");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("ATTRIBUTE ").contains("system:serviceaccount:" + ns + ":robot")
        .containsPattern("Groups +\\[system:serviceaccounts system:serviceaccounts:" + ns + " system:authenticated\\]");
  }

  @Test
  void whoamiMatchesKubectlAuthWhoami(ApiServer api) throws Exception {
    assertThat(admin(api, "whoami").out()).isEqualTo(kubectl("auth", "whoami", "--kubeconfig", api.adminKubeconfig().toString()));
  }

  @Test
  void getPrintsTheServersTableAndKubectlsJsonYamlAndNames(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("get");
    for (String n : List.of("alpha", "beta")) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + n + "\",\"labels\":{\"app\":\"" + n
              + "\"}},\"data\":{\"k\":\"v\",\"when\":\"2024-01-01\"}}"));
    }
    String kc = "--kubeconfig=" + api.adminKubeconfig();

    CliRun table = admin(api, "get", "cm", "-n", ns);
    assertThat(table.out().lines().map(l -> l.replaceAll("\\s+\\S+$", "")).toList()) // AGE may tick between the two runs
        .containsExactly("NAME    DATA", "alpha   2", "beta    2");

    for (String format : List.of("yaml", "json", "name")) {
      assertThat(admin(api, "get", "configmaps", "-n", ns, "-o", format).out()).as(format)
          .isEqualTo(kubectl("get", "configmaps", "-n", ns, "-o", format, kc));
    }
    assertThat(admin(api, "get", "cm/alpha", "-n", ns, "-o", "json").out())
        .isEqualTo(kubectl("get", "cm/alpha", "-n", ns, "-o", "json", kc));
    assertThat(admin(api, "get", "ConfigMap", "-n", ns, "-l", "app=beta", "-o", "name").out()).isEqualTo("configmap/beta\n");
    assertThat(admin(api, "get", "cm", "-A", "--field-selector=metadata.namespace=" + ns).out().lines().toList())
        .hasSize(3).first().asString().startsWith("NAMESPACE ");

    CliRun missing = admin(api, "get", "cm", "nope", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("Error from server (NotFound): configmaps \"nope\" not found\n");

    // several names: what was found, then each failure, exit 1, as kubectl
    for (String format : List.of("json", "name")) {
      CliRun some = admin(api, "get", "cm", "alpha", "nope", "beta", "-n", ns, "-o", format);
      assertThat(some.exit()).isEqualTo(1);
      assertThat(some.out()).isEqualTo(kubectlOut(1, "get", "cm", "alpha", "nope", "beta", "-n", ns, "-o", format, kc));
      assertThat(some.err()).isEqualTo("Error from server (NotFound): configmaps \"nope\" not found\n");
    }
    CliRun someTable = admin(api, "get", "cm", "alpha", "nope", "-n", ns);
    assertThat(someTable.exit()).isEqualTo(1);
    assertThat(someTable.out()).startsWith("NAME    DATA").contains("\nalpha   2");
    assertThat(someTable.err()).isEqualTo("Error from server (NotFound): configmaps \"nope\" not found\n");

    CliRun emptyNamespace = admin(api, "get", "cm", "-n", ""); // kubectl: as if -n were not given
    assertThat(emptyNamespace.exit()).as(emptyNamespace.err()).isZero();

    for (String format : List.of("json", "yaml", "name")) {
      CliRun noneAs = admin(api, "get", "secrets", "-n", ns, "-o", format);
      assertThat(noneAs.exit()).isZero();
      assertThat(noneAs.err()).as(format).isEmpty(); // as kubectl: the empty List, or nothing, says it
      assertThat(noneAs.out()).isEqualTo(kubectl("get", "secrets", "-n", ns, "-o", format, kc));
    }
    CliRun none = admin(api, "get", "secrets", "-n", ns);
    assertThat(none.exit()).isZero();
    assertThat(none.err()).isEqualTo("No resources found in " + ns + " namespace.\n");
  }

  @Test
  void yamlQuotesEveryStringThatKubectlQuotesSoItsOutputAppliesAgain(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("yaml");
    // strings Go's YAML reader would take for numbers (0o17, 1_000, 8:30 ...), and near misses it would not
    List<String> values = List.of("0o17", "0O17", "-0o17", "+0o17", "0o", "0b101", "0B101", "0x1F", "0X1F", "-0x1F",
        "1_000", "0x_1F", "1e3", "1.5e3", ".5", "+.5", "5.", "+1", "0777", "08", "09", "1:20", "8:30", "190:20:30", "-1:30",
        "1:60", ".inf", "-.Inf", "+.INF", ".NaN", "+.nan", "NaN", "inf", "y", "No", "Off", "TRUE", "null", "~", "2001-12-14", "1.0.0", "1_0.5", "1e",
        "1e-3", "0x", "0xG", "0b2", "0o8", "123456789012345678901234567890", "0xFFFFFFFFFFFFFFFFFFFF",
        "18446744073709551615", "0x1p-2", "\u0663", "0", "-0");
    com.fasterxml.jackson.databind.node.ObjectNode cm = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"numbers\"}}");
    for (int i = 0; i < values.size(); i++) {
      cm.with("data").put(String.format("k%02d", i), values.get(i));
    }
    api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", cm);

    String yaml = admin(api, "get", "cm", "numbers", "-n", ns, "-o", "yaml").out();
    assertThat(yaml).isEqualTo(kubectl("get", "cm", "numbers", "-n", ns, "-o", "yaml", "--kubeconfig=" + api.adminKubeconfig()));
    assertThat(yaml).contains("k00: \"0o17\"", ": \"1:20\"", ": \".inf\"", "k04: 0o\n");
  }

  @Test
  void aCustomResourcesColumnsPrintAsKubectlPrintsThemEvenWhereAFieldIsMissing(ApiServer api) throws Exception {
    api.admin().post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JSON.readTree("""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "gadgets.cli.kapi.dev"},
         "spec": {"group": "cli.kapi.dev", "scope": "Namespaced",
           "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
           "versions": [{"name": "v1", "served": true, "storage": true,
             "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
               "properties": {"size": {"type": "integer"}, "color": {"type": "string"}}}}}},
             "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
               {"name": "Color", "type": "string", "jsonPath": ".spec.color", "priority": 1}]}]}}"""));
    String ns = api.uniqueNamespace("crd");
    String path = "/apis/cli.kapi.dev/v1/namespaces/" + ns + "/gadgets";
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> api.admin().get(path) != null);
    api.admin().post(path, JSON.readTree("{\"apiVersion\":\"cli.kapi.dev/v1\",\"kind\":\"Gadget\","
        + "\"metadata\":{\"name\":\"bare\"},\"spec\":{}}"));
    api.admin().post(path, JSON.readTree("{\"apiVersion\":\"cli.kapi.dev/v1\",\"kind\":\"Gadget\","
        + "\"metadata\":{\"name\":\"full\"},\"spec\":{\"size\":3,\"color\":\"red\"}}"));

    for (String output : List.of("wide", "name")) {
      assertThat(admin(api, "get", "gadgets", "-n", ns, "-o", output).out()).as(output)
          .isEqualTo(kubectl("get", "gadgets", "-n", ns, "-o", output, "--kubeconfig=" + api.adminKubeconfig()));
    }
    assertThat(admin(api, "get", "gadgets", "-n", ns).out()).isEqualTo("NAME   SIZE\nbare   \nfull   3\n");
  }

  @Test
  void userErrorsAreOneLineWithoutAStackTrace(ApiServer api) {
    CliRun unknown = admin(api, "get", "nosuchthings");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("error: the server doesn't have a resource type \"nosuchthings\"\n");

    CliRun forbidden = CliRun.run(api.podView(api.uniqueNamespace("deny"), "nobody").envWithDirectory(), home, "get", "secrets", "-A");
    assertThat(forbidden.exit()).isEqualTo(1);
    assertThat(forbidden.err()).startsWith("Error from server (Forbidden): secrets is forbidden: User \"system:serviceaccount:")
        .hasLineCount(1);

    // flag values kubectl refuses, refused with its words before anything is sent
    for (var bad : Map.of(List.of("api-resources", "-o", "json"), "error: --output json is not available\n",
        List.of("api-resources", "--sort-by=foo"), "error: --sort-by accepts only name or kind\n",
        List.of("whoami", "-o", "xml"), "error: unable to match a printer suitable for the output format \"xml\", "
            + "allowed formats are: json,yaml\n").entrySet()) {
      CliRun refused = admin(api, bad.getKey().toArray(String[]::new));
      assertThat(refused.exit()).as("%s", bad.getKey()).isEqualTo(1);
      assertThat(refused.err()).isEqualTo(bad.getValue());
      assertThat(refused.out()).isEmpty();
    }

    CliRun notInCluster = CliRun.run(Map.of(), home, "get", "pods");
    assertThat(notInCluster.exit()).isEqualTo(1);
    assertThat(notInCluster.err()).startsWith("error: no configuration found").hasLineCount(1);
  }

  @Test
  void completionScriptsKnowTheSubcommands() {
    CliRun bash = CliRun.run(Map.of(), home, "completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("api-resources").contains("whoami");
    CliRun zsh = CliRun.run(Map.of(), home, "completion", "zsh");
    assertThat(zsh.out()).startsWith("#compdef kapi").contains("bashcompinit").contains("api-versions");
    assertThat(CliRun.run(Map.of(), home, "completion", "fish").exit()).isEqualTo(1);
  }
}
