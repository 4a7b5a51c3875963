package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Service-account token rotation and revocation against a real kube-apiserver, with one long-lived client. */
@ExtendWith(ApiServerExtension.class)
class TokenRotationApiServerTest {

  @TempDir
  Path dir;

  /** What the API server says to a request carrying exactly this token. */
  private static int statusWith(ApiServer api, ClusterConfig config, String token, String path) throws Exception {
    HttpClient raw = HttpClient.newBuilder().sslContext(config.tls().sslContext()).version(HttpClient.Version.HTTP_1_1).build();
    return raw.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void oneClientKeepsWorkingWithNoFailedRequestWhileTheTokenIsRotatedAndTheOldOneRevoked(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("rotation");
    PodView pod = api.podView(ns, "app", "first-token-binding"); // the first token dies with this Secret
    api.createRole(ns, "reader", List.of(ApiServer.Rule.of("", List.of("configmaps"), "list")));
    api.bindRole(ns, "reader", "app");
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String oldToken = pod.token();

    ClusterConfig config = InClusterConfig.load(pod.envWithDirectory()); // ONE config, never rebuilt
    KubeHttp http = new KubeHttp(config); // ONE client, never rebuilt
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Thread loop = new Thread(() -> {
      while (!stop.get()) {
        try {
          int status = http.get(path).statusCode();
          if (status == 200) {
            ok.incrementAndGet();
          } else {
            failures.add("HTTP " + status + " after " + ok.get() + " good requests");
          }
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }
    }, "long-lived-client");
    loop.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 20);

      String newToken = api.mintToken(ns, "app", Duration.ofHours(1));
      pod.rotateToken(newToken);
      assertThat(config.credentials().authorization()).contains("Bearer " + newToken); // the first use after the swap
      api.deleteSecret(ns, "first-token-binding");
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> statusWith(api, config, oldToken, path) == 401); // the old token is really revoked now
      int atRevocation = ok.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= atRevocation + 50);
    } finally {
      stop.set(true);
      loop.join();
    }

    assertThat(failures).isEmpty();
    assertThat(statusWith(api, config, pod.token(), path)).isEqualTo(200);
  }

  @Test
  void a401MakesTheTokenFileBeReReadAndTheRequestRetriedOnce(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("unauthorized");
    api.createServiceAccount(ns, "app");
    api.createSecret(ns, "binding");
    String revoked = api.mintToken(ns, "app", Duration.ofHours(1), "binding");
    String valid = api.mintToken(ns, "app", Duration.ofHours(1));
    int width = Math.max(revoked.length(), valid.length()) + 1;
    Path file = dir.resolve("token");
    Files.writeString(file, pad(revoked, width));
    FileTime mtime = Files.getLastModifiedTime(file);
    ClusterConfig config = ClusterConfig.builder().server(api.url()).tls(TlsSettings.trustCaFile(api.caFile()))
        .credentials(new TokenFile(file)).build();
    KubeHttp http = new KubeHttp(config);
    assertThat(http.get("/api").statusCode()).isEqualTo(200);
    api.deleteSecret(ns, "binding");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> statusWith(api, config, revoked, "/api") == 401);

    // the new token lands with the same inode, size and mtime: the per-use check cannot see it, only a 401 can
    Files.writeString(file, pad(valid, width));
    Files.setLastModifiedTime(file, mtime);
    assertThat(config.credentials().authorization()).contains("Bearer " + revoked);

    assertThat(http.get("/api").statusCode()).isEqualTo(200);
    assertThat(config.credentials().authorization()).contains("Bearer " + valid);
  }

  private static String pad(String token, int width) {
    return token + " ".repeat(width - token.length()) + "\n";
  }
}
