package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CA rotation against a real kube-apiserver: the server moves to a certificate from a new CA (it reloads its
 * serving files by itself), the kubelet publishes the new bundle in {@code ca.crt}, and the same ClusterConfig's
 * next new connection trusts it, with no restart. client-go fails here (kubernetes/kubernetes#119483).
 */
@ExtendWith(ApiServerExtension.class)
class CaRotationApiServerTest {

  /** The issuer of the certificate the server presents now, read without trusting it. */
  private static String servedIssuer(ApiServer api) throws Exception {
    SSLContext any = SSLContext.getInstance("TLS");
    any.init(null, new TrustManager[] {new InsecureTrust()}, null);
    try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", api.port())) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getIssuerX500Principal().getName();
    }
  }

  /** Replaces the serving pair the way a rotation tool would: key and certificate written, then renamed into place. */
  private static void serve(Path dir, String certPem, String keyPem) throws Exception {
    Path key = Files.writeString(dir.resolve("apiserver.key.new"), keyPem);
    Path crt = Files.writeString(dir.resolve("apiserver.crt.new"), certPem);
    Files.move(key, dir.resolve("apiserver.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(crt, dir.resolve("apiserver.crt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aRotatedCaCrtAppliesToTheNextNewConnectionOfTheSameConfig(ApiServer api) throws Exception {
    PodView pod = api.podView(api.uniqueNamespace("ca-rotation"), "app");
    ClusterConfig config = InClusterConfig.load(pod.envWithDirectory()); // trusts the original CA, from ca.crt
    assertThat(new KubeHttp(config).get("/api").statusCode()).isEqualTo(200);

    Path pki = api.workDir().resolve("pki");
    String originalCert = Files.readString(pki.resolve("apiserver.crt"));
    String originalKey = Files.readString(pki.resolve("apiserver.key"));
    String originalIssuer = servedIssuer(api);
    TestCerts.Issued newCa = TestCerts.ca("kapi-rotated-ca");
    TestCerts.Issued newServing = TestCerts.server(newCa, ApiServer.SERVING_DNS, ApiServer.SERVING_IPS);
    try {
      serve(pki, newServing.certificatePem(), newServing.pkcs8());
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> servedIssuer(api).contains("kapi-rotated-ca"));

      // a new connection with the old ca.crt fails, saying why
      assertThatThrownBy(() -> new KubeHttp(config).get("/api"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("is not signed by a CA in " + pod.caFile());

      pod.rotateCa(api.caPem() + newCa.certificatePem()); // the kubelet publishes old + new during a rotation
      assertThat(new KubeHttp(config).get("/api").statusCode()).isEqualTo(200);
      assertThat(config.tls().caReloads()).isEqualTo(1);
      assertThat(config.tls().checkCa()).isEqualTo(2);

      pod.rotateCa(newCa.certificatePem()); // the old CA retired
      assertThat(new KubeHttp(config).get("/api").statusCode()).isEqualTo(200);
      assertThat(config.tls().caReloads()).isEqualTo(2);
    } finally {
      serve(pki, originalCert, originalKey);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> servedIssuer(api).equals(originalIssuer));
    }
    assertThat(api.admin().get("/api").path("kind").asText()).isEqualTo("APIVersions");
  }

  @Test
  void anEstablishedConnectionIsNotDisturbedByACaChange(ApiServer api) throws Exception {
    PodView pod = api.podView(api.uniqueNamespace("ca-keep"), "app");
    ClusterConfig config = InClusterConfig.load(pod.envWithDirectory());
    KubeHttp http = new KubeHttp(config); // keeps its connection alive between requests
    assertThat(http.get("/api").statusCode()).isEqualTo(200);

    pod.rotateCa(TestCerts.ca("unrelated").certificatePem());

    assertThat(http.get("/api").statusCode()).isEqualTo(200); // same connection: no new handshake
    assertThatThrownBy(() -> new KubeHttp(config).get("/api")).isInstanceOf(SSLHandshakeException.class);
    assertThat(config.tls().caReloads()).isEqualTo(1);
    assertThat(List.of(config.tls().trustManager().getAcceptedIssuers())).hasSize(1);
  }
}
