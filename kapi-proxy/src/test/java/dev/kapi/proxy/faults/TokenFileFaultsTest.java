package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.TlsSettings;
import dev.kapi.config.TokenFile;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service-account token file, broken under a running proxy before it ever read it: deleted, emptied, or
 * replaced by something unreadable (a directory — the tests run as root, so permissions cannot make a file
 * unreadable). Each request gets a 503 Status naming the file and the problem; when the kubelet writes the token
 * again the next request succeeds. (Once a token has been read, a broken file keeps the last good token until it
 * is back, so a kubelet's non-atomic update cannot fail requests; see TokenFile.)
 */
@ExtendWith(ApiServerExtension.class)
class TokenFileFaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDeletedTokenFileIsA503NamingItAndTheProxyRecoversWhenItIsBack(ApiServer api) throws Exception {
    check(api, "tokens-deleted", token -> Files.delete(token), "does not exist");
  }

  @Test
  void anEmptiedTokenFileIsA503NamingItAndTheProxyRecoversWhenItIsBack(ApiServer api) throws Exception {
    check(api, "tokens-empty", token -> Files.writeString(token, ""), "is empty");
  }

  @Test
  void anUnreadableTokenFileIsA503NamingItAndTheProxyRecoversWhenItIsBack(ApiServer api) throws Exception {
    check(api, "tokens-unreadable", token -> {
      Files.delete(token);
      Files.createDirectory(token);
    }, "cannot be read");
  }

  interface Breakage {
    void apply(Path tokenFile) throws IOException;
  }

  private static void check(ApiServer api, String ns, Breakage breakage, String problem) throws Exception {
    PodView pod = ApiServerFaultsTest.readerPod(api, ns);
    Path token = pod.directory().resolve("token");
    // the Pod's files as in-cluster config uses them, with a TokenFile that has not read the token yet
    ClusterConfig cluster = ClusterConfig.builder().server(api.url()).tls(TlsSettings.trustCaFile(pod.caFile()))
        .credentials(new TokenFile(token)).build();
    breakage.apply(token);
    try (ProxyHarness proxy = ProxyHarness.start(cluster, b -> b)) {
      HttpResponse<String> r = proxy.get("/api/v1/namespaces/" + ns + "/configmaps");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
      assertThat(status.path("message").asText()).contains("no credential").contains(token.toString()).contains(problem);

      if (Files.isDirectory(token, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(token);
      }
      pod.rotateToken(api.mintToken(ns, "reader", Duration.ofHours(1))); // the kubelet writes it again

      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps").statusCode()).isEqualTo(200);
    }
  }
}
