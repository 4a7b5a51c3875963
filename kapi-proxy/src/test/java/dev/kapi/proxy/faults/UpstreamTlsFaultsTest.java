package dev.kapi.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.StaticToken;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server the proxy must not trust: a CA it was not given, a certificate for another name, an expired
 * certificate. Each request gets a 503 Status that names the check that failed, never a stack trace, and
 * nothing is sent to such a server but a TLS handshake.
 */
@ExtendWith(ApiServerExtension.class)
class UpstreamTlsFaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anApiServerSignedByAnotherCaIsRefusedNamingTheCa(ApiServer api) throws Exception {
    TestPki other = TestPki.create("not-the-cluster-ca");
    ClusterConfig cluster = cluster(api.url(), TlsSettings.builder()
        .caPem(other.ca().certificatePem(), "test", "other-ca").build());

    String message = refusal(cluster);

    assertThat(message).contains("TLS handshake with the API server").contains("is not signed by a CA in");
  }

  @Test
  void aCertificateForAnotherNameIsRefusedNamingTheNames(ApiServer api) throws Exception {
    ClusterConfig cluster = cluster(api.url(), TlsSettings.builder()
        .caPem(api.caPem(), "test", "ca").serverName("api.elsewhere.example").build());

    String message = refusal(cluster);

    assertThat(message).contains("TLS handshake").contains("api.elsewhere.example").contains("valid for");
  }

  @Test
  void anExpiredServerCertificateIsRefusedNamingTheExpiry(ApiServer api) throws Exception {
    TestPki.Issued expired = api.pki().server("expired-apiserver", List.of("localhost"), List.of("127.0.0.1"),
        Duration.ofHours(1), Instant.now().minus(Duration.ofHours(3)));
    try (TlsStub stub = new TlsStub(api.pki().ca().certificate(), expired)) {
      ClusterConfig cluster = cluster(URI.create("https://127.0.0.1:" + stub.port()),
          TlsSettings.builder().caPem(api.caPem(), "test", "ca").build());

      String message = refusal(cluster);

      assertThat(message).contains("TLS handshake").contains("the server certificate expired at");
    }
  }

  private static ClusterConfig cluster(URI server, TlsSettings tls) {
    return ClusterConfig.builder().server(server).tls(tls).credentials(new StaticToken("never-sent"))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** The message of the 503 Status a request gets through a proxy for {@code cluster}. */
  private static String refusal(ClusterConfig cluster) throws Exception {
    try (ProxyHarness proxy = ProxyHarness.start(cluster, b -> b)) {
      HttpResponse<String> r = proxy.get("/api/v1/namespaces/default/configmaps");
      assertThat(r.statusCode()).isEqualTo(503);
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
      return status.path("message").asText();
    }
  }

  /** A TLS server on loopback that presents {@code cert} and reads whatever comes (the handshake fails first). */
  private static final class TlsStub implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread acceptor;

    TlsStub(X509Certificate ca, TestPki.Issued cert) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", cert.keyPair().getPrivate(), new char[0], new X509Certificate[] {cert.certificate(), ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 16, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::serve, "tls-stub");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          s.setSoTimeout(5000);
          in.read(); // drives the handshake, which the proxy aborts
        } catch (IOException expected) {
          // the proxy refused our certificate, or the stub is closing
        }
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(5000);
    }
  }
}
