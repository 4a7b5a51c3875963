package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Global flags before the subcommand against the real API server: the same objects as with the flags after it. */
@ExtendWith(ApiServerExtension.class)
class GlobalFlagsApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  /** Two namespaces, each with a ConfigMap named after it, so a list shows which namespace was asked for. */
  static List<String> twoNamespaces(ApiServer api) throws Exception {
    List<String> namespaces = new ArrayList<>();
    for (String prefix : List.of("flags-a", "flags-b")) {
      String ns = api.uniqueNamespace(prefix);
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"only-in-" + prefix + "\"}}"));
      namespaces.add(ns);
    }
    return namespaces;
  }

  CliRun kapi(String... args) {
    return CliRun.run(Map.of(), home, args); // no in-cluster environment, no ~/.kube/config: only the flags count
  }

  @Test
  void namespaceAndKubeconfigBeforeGetListTheRightNamespaceAsKubectlDoes(ApiServer api) throws Exception {
    List<String> ns = twoNamespaces(api);
    String kc = api.adminKubeconfig().toString();

    CliRun before = kapi("--kubeconfig", kc, "-n", ns.get(0), "get", "configmaps", "-o", "name");
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out()).isEqualTo("configmap/only-in-flags-a\n")
        .isEqualTo(ClientCommandsTest.kubectl("--kubeconfig", kc, "-n", ns.get(0), "get", "configmaps", "-o", "name"));

    // both sides: the last -n wins, as with kubectl
    CliRun both = kapi("-n", ns.get(0), "--kubeconfig=" + kc, "get", "cm", "-o", "name", "-n", ns.get(1));
    assertThat(both.out()).isEqualTo("configmap/only-in-flags-b\n")
        .isEqualTo(ClientCommandsTest.kubectl("-n", ns.get(0), "--kubeconfig=" + kc, "get", "cm", "-o", "name", "-n", ns.get(1)));

    CliRun table = kapi("-n", ns.get(1), "--kubeconfig", kc, "get", "cm");
    assertThat(table.out()).startsWith("NAME ").contains("only-in-flags-b").doesNotContain("only-in-flags-a");
    CliRun none = kapi("-n", ns.get(1), "--kubeconfig", kc, "get", "secrets");
    assertThat(none.err()).isEqualTo("No resources found in " + ns.get(1) + " namespace.\n");
  }

  @Test
  void whoamiApiVersionsAndApiResourcesTakeTheKubeconfigBeforeThem(ApiServer api) {
    String kc = api.adminKubeconfig().toString();
    for (String command : List.of("whoami", "api-versions", "api-resources")) {
      CliRun before = kapi("--kubeconfig", kc, command);
      CliRun after = kapi(command, "--kubeconfig", kc);
      assertThat(before.exit()).as(command + ": " + before.err()).isZero();
      assertThat(before.out()).as(command).isNotEmpty().isEqualTo(after.out());
    }
    assertThat(kapi("--kubeconfig", kc, "whoami").out()).contains("kapi-admin");
    // and nothing before it means nothing: no configuration here at all
    CliRun unconfigured = kapi("whoami");
    assertThat(unconfigured.exit()).isEqualTo(1);
    assertThat(unconfigured.err()).startsWith("error: no configuration found").hasLineCount(1);
  }

  @Test
  void proxyStartedWithTheKubeconfigBeforeItServesTheCluster(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = twoNamespaces(api).get(0);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.kapi.cli.Main",
        "--kubeconfig", api.adminKubeconfig().toString(), "-n", "ignored-by-proxy", "proxy", "--port=0",
        "--admin-address=off");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear(); // no in-cluster variables, no KUBECONFIG: only the flag says where the cluster is
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Starting to serve on") || !p.isAlive());
      Matcher serving = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(out));
      assertThat(serving.find()).as(Files.readString(out) + Files.readString(err)).isTrue();

      HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + serving.group(1) + "/api/v1/namespaces/" + ns + "/configmaps")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(list.statusCode()).isEqualTo(200);
      JsonNode items = JSON.readTree(list.body()).path("items");
      assertThat(items.findValuesAsText("name")).containsExactly("only-in-flags-a");
      assertThat(Files.readString(err)).contains("127.0.0.1:" + api.port()); // the start-up line names the cluster
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }
}
