package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The promises deploy/Dockerfile makes about the image itself, checked on the image scripts/image.sh built. */
class AmbassadorImageTest {

  @Test
  void imageRunsKapiProxyAsUid65532WithinOneHundredMegabytes() {
    Podman podman = Podman.require();
    String image = podman.images().ambassador();

    ExternalCommand.Result r = podman.run(Duration.ofSeconds(30), "image", "inspect", "--format",
        "{{json .Config.Entrypoint}} {{.Config.User}} {{.Size}}", image);

    assertThat(r.succeeded()).as(r.describe()).isTrue();
    String[] fields = r.stdout().trim().split(" ");
    assertThat(fields[0]).isEqualTo("[\"kapi\",\"proxy\"]");
    assertThat(fields[1]).isEqualTo("65532:65532");
    assertThat(Long.parseLong(fields[2])).as("image size in bytes").isLessThanOrEqualTo(100_000_000L);
  }

  @Test
  void imageHasNoShellAndNoPackageManager() {
    Podman podman = Podman.require();
    String image = podman.images().ambassador();

    for (String program : new String[] {"/bin/sh", "/bin/bash", "/usr/bin/apt-get", "/usr/bin/dpkg"}) {
      ExternalCommand.Result r = podman.run(Duration.ofSeconds(60), "run", "--rm", "--network", "host",
          "--entrypoint", program, image, "--version");
      assertThat(r.succeeded()).as(program + ": " + r.describe()).isFalse();
      assertThat(r.stderr()).as(program).contains("no such file or directory");
    }
  }

  /**
   * Outside a Pod, from a kubeconfig (YAML, an EC client key, inline data): the parts of kapi-config the
   * in-cluster Pod never exercises, on the trimmed runtime (no java.desktop), with the root filesystem read-only
   * and no writable /tmp at all.
   */
  @Test
  @ExtendWith(ApiServerExtension.class)
  void imageProxiesFromAMountedKubeconfigOnAReadOnlyRootWithoutATempDirectory(ApiServer api) throws Exception {
    Podman podman = Podman.require();
    String image = podman.images().ambassador();
    Path kubeconfig = Files.createTempFile(Path.of("target"), "image-kubeconfig", ".yaml").toAbsolutePath();
    Files.copy(api.adminKubeconfig(), kubeconfig, StandardCopyOption.REPLACE_EXISTING);
    kubeconfig.toFile().setReadable(true, false); // the image runs as uid 65532
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String name = "kapi-image-test-" + port;

    ExternalCommand.Result started = podman.run(Duration.ofSeconds(60), "run", "-d", "--name", name,
        "--network", "host", "--read-only", "--read-only-tmpfs=false",
        "-v", kubeconfig + ":/etc/kapi/kubeconfig:ro", image, "--kubeconfig=/etc/kapi/kubeconfig", "--port=" + port);
    try {
      assertThat(started.succeeded()).as(started.describe()).isTrue();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/apis/batch/v1"))
          .timeout(Duration.ofSeconds(10)).build();
      AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
      await("the image serves on port " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().until(() -> {
            answer.set(http.send(get, HttpResponse.BodyHandlers.ofString()));
            return true;
          });

      assertThat(answer.get().statusCode())
          .as(answer.get().body() + podman.run(Duration.ofSeconds(30), "logs", name).stderr()).isEqualTo(200);
      JsonNode body = Manifests.JSON.readTree(answer.get().body());
      assertThat(body.path("kind").asText()).isEqualTo("APIResourceList");
      assertThat(body.path("groupVersion").asText()).isEqualTo("batch/v1");
      ExternalCommand.Result logs = podman.run(Duration.ofSeconds(30), "logs", name);
      assertThat(logs.stdout() + logs.stderr()).contains("Starting to serve on 127.0.0.1:" + port)
          .as("BoringSSL loads from the read-only image (java.library.path), not the JDK fallback")
          .contains("; tls BoringSSL");
    } finally {
      podman.run(Duration.ofSeconds(60), "rm", "--force", "--time", "0", name);
      Files.deleteIfExists(kubeconfig);
    }
  }
}
