package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl pointed at the proxy with {@code --server http://127.0.0.1:PORT} and no credentials of its
 * own: every call carries the Pod's service-account identity, added by the proxy.
 */
@ExtendWith(ApiServerExtension.class)
class KubectlThroughProxyTest {

  @TempDir
  Path home;
  private Path kubeconfig;

  @BeforeEach
  void emptyKubeconfig() throws IOException {
    kubeconfig = home.resolve("config");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");
  }

  record Result(int exit, String out, String err) {
  }

  private Result kubectl(PodProxy p, String... args) throws Exception {
    Process proc = start(p, args);
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!proc.waitFor(120, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      throw new AssertionError("kubectl did not finish: " + List.of(args));
    }
    return new Result(proc.exitValue(), out, err);
  }

  private Process start(PodProxy p, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig,
        "--cache-dir=" + home.resolve("cache"), "--server=http://127.0.0.1:" + p.port()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", home.toString());
    pb.environment().remove("KUBECONFIG");
    return pb.start();
  }

  private static PodProxy admin(ApiServer api, String ns, java.util.function.Consumer<ProxyConfig.Builder> c) {
    PodProxy p = PodProxy.start(api, ns, "app", List.of(), c);
    api.bindClusterRole("cluster-admin", ns, "app");
    return p;
  }

  @Test
  void getsListsCreatesAppliesAndDeletes(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("kubectl");
    try (PodProxy p = admin(api, ns, b -> { })) {
      Result whoami = kubectl(p, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
      assertThat(whoami.out()).as(whoami.err()).isEqualTo("system:serviceaccount:" + ns + ":app");

      Result namespaces = kubectl(p, "get", "ns", "-o", "name");
      assertThat(namespaces.exit()).as(namespaces.err()).isZero();
      assertThat(namespaces.out()).contains("namespace/" + ns);

      Result resources = kubectl(p, "api-resources");
      assertThat(resources.exit()).as(resources.err()).isZero();
      assertThat(resources.out()).contains("configmaps").contains("cronjobs").contains("batch/v1");

      Result raw = kubectl(p, "get", "--raw", "/apis/batch/v1");
      assertThat(raw.exit()).as(raw.err()).isZero();
      assertThat(raw.out()).contains("\"kind\":\"APIResourceList\"").contains("\"groupVersion\":\"batch/v1\"");

      Result created = kubectl(p, "-n", ns, "create", "configmap", "colours", "--from-literal=sky=blue");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(kubectl(p, "-n", ns, "get", "configmap", "colours", "-o", "jsonpath={.data.sky}").out())
          .isEqualTo("blue");

      Path manifest = home.resolve("cm.yaml");
      Files.writeString(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: " + ns
          + "\ndata:\n  mode: server-side\n");
      Result applied = kubectl(p, "apply", "--server-side", "-f", manifest.toString());
      assertThat(applied.exit()).as(applied.err()).isZero();
      assertThat(applied.out()).contains("configmap/applied serverside-applied");

      Result deleted = kubectl(p, "-n", ns, "delete", "configmap", "colours", "applied");
      assertThat(deleted.exit()).as(deleted.err()).isZero();
      Result gone = kubectl(p, "-n", ns, "get", "configmap", "colours");
      assertThat(gone.exit()).isNotZero();
      assertThat(gone.err()).contains("NotFound").contains("configmaps \"colours\" not found");
    }
  }

  @Test
  void watchShowsEachCreateAsItHappens(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("kwatch");
    try (PodProxy p = admin(api, ns, b -> { })) {
      Process watch = start(p, "-n", ns, "get", "configmaps", "-w", "--output-watch-events", "-o",
          "custom-columns=EVENT:.type,NAME:.object.metadata.name", "--no-headers");
      List<CountDownLatch> seen = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            for (int i = 0; i < seen.size(); i++) {
              if (line.matches("ADDED\\s+watched-" + i)) {
                seen.get(i).countDown();
              }
            }
          }
        } catch (IOException ended) {
          // kubectl was stopped
        }
      });
      reader.setDaemon(true);
      reader.start();
      try {
        for (int i = 0; i < seen.size(); i++) {
          api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"watched-" + i + "\"}}"));
          assertThat(seen.get(i).await(60, TimeUnit.SECONDS)).as("kubectl get -w shows watched-%d", i).isTrue();
        }
      } finally {
        watch.destroy();
        watch.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void execFailsWithTheApiServersOwnErrorNotAProxyError(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("kexec");
    FilterRules allowExec = FilterRules.parse(FilterRules.DEFAULT_ACCEPT_PATHS, "", FilterRules.DEFAULT_ACCEPT_HOSTS,
        FilterRules.DEFAULT_REJECT_METHODS);
    try (PodProxy p = admin(api, ns, b -> b.filter(allowExec))) {
      // a Pod nobody schedules: the API server has no kubelet to send the exec to
      api.admin().post("/api/v1/namespaces/" + ns + "/pods", new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
              + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
      Result exec = kubectl(p, "-n", ns, "exec", "web", "--", "ls");
      assertThat(exec.exit()).isNotZero();
      assertThat(exec.err()).as("kubectl shows the API server's answer").contains("does not have a host assigned")
          .doesNotContain("kapi proxy");
    }
  }

  @Test
  void execRefusedByTheDefaultFilterSaysWhichRule(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("kexecf");
    try (PodProxy p = admin(api, ns, b -> { })) {
      api.admin().post("/api/v1/namespaces/" + ns + "/pods", new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
              + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
      Result exec = kubectl(p, "-n", ns, "exec", "web", "--", "ls");
      assertThat(exec.exit()).isNotZero();
      assertThat(exec.err()).contains("--reject-paths rule");
    }
  }
}
