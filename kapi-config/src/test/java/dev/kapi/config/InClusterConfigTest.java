package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InClusterConfigTest {

  @TempDir
  Path sa;

  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void pod() throws Exception {
    Files.writeString(sa.resolve("token"), "  the-token\n");
    Files.writeString(sa.resolve("ca.crt"), TestCerts.ca("cluster-ca").certificatePem());
    Files.writeString(sa.resolve("namespace"), "team-a\n");
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.put("KUBERNETES_SERVICE_PORT", "443");
    env.put("KAPI_SERVICEACCOUNT_DIR", sa.toString());
  }

  @Test
  void readsTheServiceAccountLikeAPodDoes() {
    ClusterConfig c = InClusterConfig.load(env);

    assertThat(c.server()).isEqualTo(URI.create("https://10.96.0.1:443"));
    assertThat(c.credentials().authorization()).contains("Bearer the-token");
    assertThat(c.credentials()).isInstanceOf(TokenFile.class);
    assertThat(c.tls().checkCa()).isEqualTo(1);
    assertThat(c.tls().insecureSkipTlsVerify()).isFalse();
    assertThat(c.namespace()).isEqualTo("team-a");
    assertThat(c.toString()).doesNotContain("the-token");
  }

  @Test
  void httpsPortVariableWinsAndIpv6HostsAreBracketed() {
    env.put("KUBERNETES_SERVICE_HOST", "fd00:10:96::1");
    env.put("KUBERNETES_SERVICE_PORT_HTTPS", "6443");

    ClusterConfig c = InClusterConfig.load(env);

    assertThat(c.server()).isEqualTo(URI.create("https://[fd00:10:96::1]:6443"));
    assertThat(c.hostHeader()).isEqualTo("[fd00:10:96::1]:6443");
  }

  @Test
  void notInAClusterNamesEverythingMissing() {
    Map<String, String> empty = Map.of("KAPI_SERVICEACCOUNT_DIR", sa.resolve("none").toString());

    assertThatThrownBy(() -> InClusterConfig.load(empty))
        .isInstanceOf(NotInClusterException.class)
        .hasMessage("in-cluster config is not available: missing environment variable KUBERNETES_SERVICE_HOST, "
            + "environment variable KUBERNETES_SERVICE_PORT, file " + sa.resolve("none/token") + ", file "
            + sa.resolve("none/ca.crt"));
    assertThat(InClusterConfig.looksInCluster(empty)).isFalse();
  }

  @Test
  void aMissingCaIsAnErrorNeverTheSystemRoots() throws Exception {
    Files.delete(sa.resolve("ca.crt"));

    assertThat(InClusterConfig.looksInCluster(env)).isTrue(); // kubectl's test passes...
    assertThatThrownBy(() -> InClusterConfig.load(env)) // ...and loading says what is wrong
        .isInstanceOf(NotInClusterException.class)
        .hasMessageEndingWith("missing file " + sa.resolve("ca.crt"));
  }

  @Test
  void anEmptyTokenOrCaNamesTheFile() throws Exception {
    Files.writeString(sa.resolve("token"), " \n");
    assertThatThrownBy(() -> InClusterConfig.load(env))
        .isInstanceOf(CredentialsUnavailableException.class)
        .hasMessage(sa.resolve("token") + " is empty");

    Files.writeString(sa.resolve("token"), "t");
    Files.writeString(sa.resolve("ca.crt"), "");
    assertThatThrownBy(() -> InClusterConfig.load(env)).isInstanceOf(ConfigException.class).hasMessage(sa.resolve("ca.crt") + " is empty");
    Files.writeString(sa.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> InClusterConfig.load(env)).hasMessageStartingWith(sa.resolve("ca.crt") + " is not a valid PEM certificate");
  }

  @Test
  void aBadPortNamesTheVariable() {
    env.put("KUBERNETES_SERVICE_PORT_HTTPS", "https");

    assertThatThrownBy(() -> InClusterConfig.load(env)).hasMessage("KUBERNETES_SERVICE_PORT_HTTPS is not a port number: https");
  }

  @Test
  void namespaceFromPodNamespaceThenFileThenDefault() throws Exception {
    env.put("POD_NAMESPACE", "from-downward-api");
    assertThat(InClusterConfig.load(env).namespace()).isEqualTo("from-downward-api");
    env.remove("POD_NAMESPACE");
    assertThat(InClusterConfig.load(env).namespace()).isEqualTo("team-a");
    Files.delete(sa.resolve("namespace"));
    assertThat(InClusterConfig.load(env).namespace()).isEqualTo("default");
  }

  @Test
  void theKubeletsDirectoryIsTheDefault() {
    assertThat(InClusterConfig.directory(Map.of())).isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount"));
  }
}
