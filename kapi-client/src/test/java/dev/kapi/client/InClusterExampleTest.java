package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs examples/in-cluster as a Pod would: its own JVM, the Pod's environment and service-account files, no flags. */
@ExtendWith(ApiServerExtension.class)
class InClusterExampleTest {

  static final String POD = """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},"spec":{"containers":[{"name":"c","image":"example.invalid/x"}]}}""";

  @Test
  void theExampleListsThePodsOfItsNamespaceAndSeesNewOnes(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("example");
    PodView pod = api.podView(ns, "example");
    api.createRole(ns, "pod-reader", List.of(ApiServer.Rule.of("", List.of("pods"), "get", "list", "watch")));
    api.bindRole(ns, "pod-reader", "example");
    api.admin().post("/api/v1/namespaces/" + ns + "/pods", new com.fasterxml.jackson.databind.ObjectMapper().readTree(POD.formatted("web")));

    Path root = Path.of(System.getProperty("kapi.repo.root", "..")).toAbsolutePath().normalize();
    Path source = root.resolve("examples/in-cluster/InClusterExample.java");
    assertThat(Files.exists(source)).as(source.toString()).isTrue();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), source.toString(), "30", "1");
    pb.environment().remove("KUBECONFIG");
    pb.environment().putAll(pod.envWithDirectory());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null;) {
          lines.add(l);
        }
      } catch (java.io.IOException ignored) {
        // process ended
      }
    });
    reader.start();
    try {
      // the example prints the count, then GETs a missing Pod and prints that: wait for both lines
      await().atMost(Duration.ofSeconds(60)).until(() -> lines.contains("There are 1 pods in namespace " + ns)
          && lines.contains("Pod example-xxxxx not found in namespace " + ns));
      assertThat(lines).contains("pod added: web");

      api.admin().post("/api/v1/namespaces/" + ns + "/pods", new com.fasterxml.jackson.databind.ObjectMapper().readTree(POD.formatted("late")));
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("pod added: late")
          && lines.contains("There are 2 pods in namespace " + ns));
      assertThat(lines).noneMatch(l -> l.startsWith("watch:") || l.contains("Exception"));
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
      reader.join(5_000);
    }
  }
}
