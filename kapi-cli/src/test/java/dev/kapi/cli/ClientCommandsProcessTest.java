package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.ConnectProxy;
import dev.kapi.testing.PodView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code kapi} as its own process with a Pod's environment: real exit codes, stdout and stderr, -v. */
@ExtendWith(ApiServerExtension.class)
class ClientCommandsProcessTest {

  record Result(int exit, String out, String err) {
  }

  static Result kapi(Map<String, String> env, Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.kapi.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    var err = p.getErrorStream();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, errText);
  }

  @Test
  void inAPodGetRawAndWhoamiNeedNoFlags(ApiServer api, @TempDir Path home) throws Exception {
    String ns = api.uniqueNamespace("proc");
    PodView pod = api.podView(ns, "app");

    Result raw = kapi(pod.envWithDirectory(), home, "get", "--raw", "/apis/batch/v1");
    assertThat(raw.exit()).isZero();
    assertThat(raw.out()).startsWith("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"batch/v1\"");

    Result who = kapi(pod.envWithDirectory(), home, "whoami");
    assertThat(who.exit()).isZero();
    assertThat(who.out()).contains("system:serviceaccount:" + ns + ":app");

    Result missing = kapi(pod.envWithDirectory(), home, "get", "--raw", "/api/v1/namespaces/" + ns + "/configmaps/nope");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("Error from server (Forbidden): configmaps \"nope\" is forbidden: User "
        + "\"system:serviceaccount:" + ns + ":app\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"" + ns + "\"\n");
  }

  @Test
  void verboseLogsRequestsWithTheTokenRedactedAndErrorsWithStackTraces(ApiServer api, @TempDir Path home) throws Exception {
    PodView pod = api.podView(api.uniqueNamespace("verbose"), "app");

    Result v = kapi(pod.envWithDirectory(), home, "get", "-v=8", "--raw", "/api");
    assertThat(v.exit()).isZero();
    assertThat(v.err()).contains("GET https://127.0.0.1:" + api.port() + "/api 200 in").contains("> Authorization: Bearer <redacted>")
        .doesNotContain(pod.token());

    Map<String, String> nowhere = Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", "1",
        "KAPI_SERVICEACCOUNT_DIR", pod.directory().toString());
    Result quiet = kapi(nowhere, home, "get", "--raw", "/api");
    assertThat(quiet.exit()).isEqualTo(1);
    assertThat(quiet.err()).startsWith("error: GET https://127.0.0.1:1/api: connection refused").hasLineCount(1);
    Result loud = kapi(nowhere, home, "get", "-v", "--raw", "/api");
    assertThat(loud.err()).contains("\tat dev.kapi.");
  }

  @Test
  void aProxyUrlWithCredentialsTunnelsWithBasicAndStillSendsTheBearerToken(ApiServer api, @TempDir Path home)
      throws Exception {
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("bob:s@cret".getBytes(StandardCharsets.UTF_8));
    try (ConnectProxy proxy = new ConnectProxy(basic)) {
      Path kubeconfig = home.resolve("proxied.yaml");
      java.nio.file.Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
          + "clusters:\n- name: c\n  cluster:\n    server: " + api.url() + "\n    certificate-authority: " + api.caFile()
          + "\n    proxy-url: http://bob:s%40cret@127.0.0.1:" + proxy.port() + "\n"
          + "users:\n- name: u\n  user:\n    token: " + api.adminToken() + "\n"
          + "contexts:\n- name: c\n  context: {cluster: c, user: u}\n");

      Result who = kapi(Map.of(), home, "whoami", "--kubeconfig=" + kubeconfig);

      assertThat(who.exit()).as(who.err()).isZero();
      assertThat(who.out()).doesNotContain("system:anonymous").contains("system:masters");
      assertThat(proxy.seen()).isNotEmpty().allSatisfy(s -> {
        assertThat(s.requestLine()).isEqualTo("CONNECT 127.0.0.1:" + api.port() + " HTTP/1.1");
        assertThat(s.proxyAuthorization()).isEqualTo(basic);
      });
    }
  }

  @Test
  void theKubeconfigIsFoundUnderHomeAsTheEnvironmentSetsIt(ApiServer api, @TempDir Path home) throws Exception {
    java.nio.file.Files.createDirectories(home.resolve(".kube"));
    java.nio.file.Files.copy(api.adminKubeconfig(), home.resolve(".kube").resolve("config"));

    Result who = kapi(Map.of(), home, "whoami"); // HOME is the temporary directory; the account's home has no config

    assertThat(who.exit()).as(who.err()).isZero();
    assertThat(who.out()).contains("system:masters");
  }
}
