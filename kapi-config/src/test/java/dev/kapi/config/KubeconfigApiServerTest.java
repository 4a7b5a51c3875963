package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubeconfig users and clusters against a real kube-apiserver: who the server says we are. */
@ExtendWith(ApiServerExtension.class)
class KubeconfigApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path kubeconfig(ApiServer api, String server, String clusterExtra, String user) throws Exception {
    Path p = dir.resolve("kube/config");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: envtest
          cluster:
            server: %s
            certificate-authority-data: %s
            %s
        users:
        - name: me
          user:
            %s
        contexts:
        - name: test
          context: {cluster: envtest, user: me, namespace: kube-public}
        current-context: test
        """.formatted(server, TestCerts.b64(api.caPem()), clusterExtra, user.replace("\n", "\n    ")));
    return p;
  }

  private ClusterConfig load(Path kubeconfig) {
    return new ConfigLoader(Map.of("PATH", System.getenv("PATH")), dir.resolve("home"))
        .load(ConfigFlags.builder().kubeconfig(kubeconfig).build());
  }

  @Test
  void theHarnessAdminKubeconfigWorks(ApiServer api) throws Exception {
    ClusterConfig c = load(api.adminKubeconfig());

    assertThat(new KubeHttp(c).whoAmI()).isEqualTo("kapi-admin [\"system:masters\",\"system:authenticated\"]");
  }

  @ParameterizedTest(name = "{0} {1} key as {2}")
  @CsvSource({"EC, PKCS#8, data", "EC, SEC1, files", "RSA, PKCS#1, files", "RSA, PKCS#8, data"})
  void aClientCertificateAuthenticatesAsItsUserAndGroups(String type, String format, String where, ApiServer api) throws Exception {
    TestPki.Issued ca = api.pki().ca();
    KeyPair keys = type.equals("RSA") ? TestCerts.rsa() : TestCerts.ec();
    String user = "alice-" + type.toLowerCase() + "-" + format.replace("#", "").toLowerCase();
    TestCerts.Issued alice = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), keys, user, "group");
    String key = format.equals("PKCS#8") ? alice.pkcs8() : alice.traditional();
    String yaml;
    if (where.equals("data")) {
      yaml = "client-certificate-data: " + TestCerts.b64(alice.certificatePem()) + "\nclient-key-data: " + TestCerts.b64(key);
    } else {
      Files.createDirectories(dir.resolve("kube/pki"));
      Files.writeString(dir.resolve("kube/pki/me.crt"), alice.certificatePem());
      Files.writeString(dir.resolve("kube/pki/me.key"), key);
      yaml = "client-certificate: pki/me.crt\nclient-key: pki/me.key"; // relative to the kubeconfig
    }

    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", yaml));

    assertThat(new KubeHttp(c).whoAmI()).isEqualTo(user + " [\"group\",\"system:authenticated\"]");
    assertThat(c.namespace()).isEqualTo("kube-public");
  }

  /**
   * The key text exactly as openssl wrote it (fixtures under keys/), including shapes the other test does not cover:
   * P-384, P-521, an EC PARAMETERS block before the key, Ed25519. The cluster CA certifies the fixture's public key.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa-pkcs1", "rsa-pkcs8", "ec-p384-sec1", "ec-p521-pkcs8", "ec-p256-with-parameters", "ed25519-pkcs8"})
  void opensslWrittenKeysAuthenticate(String fixture, ApiServer api) throws Exception {
    TestPki.Issued ca = api.pki().ca();
    String keyPem = KeyFixtures.read(fixture + ".key");
    java.security.PublicKey publicKey = Pem.certificates(KeyFixtures.read(fixture + ".crt"), "fixture", "crt").get(0).getPublicKey();
    KeyPair keys = new KeyPair(publicKey, Pem.privateKey(keyPem, "fixture", "key"));
    String user = "openssl-" + fixture;
    TestCerts.Issued issued = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), keys, user, "group");

    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", "client-certificate-data: "
        + TestCerts.b64(issued.certificatePem()) + "\nclient-key-data: " + TestCerts.b64(keyPem)));

    assertThat(new KubeHttp(c).whoAmI()).isEqualTo(user + " [\"group\",\"system:authenticated\"]");
  }

  @Test
  void theHarnessPkiClientCertificateAuthenticates(ApiServer api) throws Exception {
    TestPki.Issued alice = api.pki().client("alice", "group");

    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", "client-certificate-data: "
        + TestCerts.b64(alice.certificatePem()) + "\nclient-key-data: " + TestCerts.b64(alice.privateKeyPem())));

    assertThat(new KubeHttp(c).whoAmI()).isEqualTo("alice [\"group\",\"system:authenticated\"]");
  }

  @Test
  void tlsServerNameIsWhatTheServerCertificateIsCheckedAgainst(ApiServer api) throws Exception {
    String token = "token: " + api.adminToken();
    String byIp = "https://127.0.0.1:" + api.port();

    ClusterConfig right = load(kubeconfig(api, byIp, "tls-server-name: kubernetes.default.svc", token));
    assertThat(new KubeHttp(right).get("/api").statusCode()).isEqualTo(200);

    ClusterConfig wrong = load(kubeconfig(api, byIp, "tls-server-name: wrong.example", token));
    assertThatThrownBy(() -> new KubeHttp(wrong).get("/api"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("the server certificate is valid for")
        .hasMessageContaining("kubernetes.default.svc")
        .hasMessageEndingWith("not wrong.example");

    ClusterConfig byName = load(kubeconfig(api, "https://localhost:" + api.port(), "", token));
    assertThat(new KubeHttp(byName).get("/api").statusCode()).isEqualTo(200);
  }

  @Test
  void aCaThatDidNotSignTheServerIsNamedInTheFailure(ApiServer api) throws Exception {
    Path other = Files.writeString(dir.resolve("other-ca.crt"), TestCerts.ca("some-other-ca").certificatePem());
    ClusterConfig c = new ConfigLoader(Map.of(), dir).load(ConfigFlags.builder().server(api.url().toString())
        .certificateAuthority(other).token(api.adminToken()).build());

    assertThatThrownBy(() -> new KubeHttp(c).get("/api"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("is not signed by a CA in " + other);
  }

  // ---- exec plugins

  /** A plugin that counts its runs, records its KUBERNETES_EXEC_INFO and prints what {@code body} prints. */
  private Path plugin(String body) throws Exception {
    Path p = dir.resolve("kube/bin/credential-plugin");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        #!/bin/bash
        n=1; if [ -f "$STATE/runs" ]; then n=$(( $(cat "$STATE/runs") + 1 )); fi; echo $n > "$STATE/runs"
        printf '%%s' "$KUBERNETES_EXEC_INFO" > "$STATE/exec-info.json"
        %s
        """.formatted(body));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private String execUser() {
    return """
        exec:
          apiVersion: client.authentication.k8s.io/v1
          command: ./bin/credential-plugin
          env: [{name: STATE, value: "%s"}]
          interactiveMode: Never
          provideClusterInfo: true""".formatted(dir);
  }

  private int runs() throws Exception {
    Path r = dir.resolve("runs");
    return Files.exists(r) ? Integer.parseInt(Files.readString(r).strip()) : 0;
  }

  @Test
  void anExecPluginTokenAuthenticatesAndThePluginRunsAgainAfterExpiry(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("exec");
    api.createServiceAccount(ns, "robot");
    Files.writeString(dir.resolve("token"), api.mintToken(ns, "robot", Duration.ofHours(1)));
    plugin("""
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' \\
          "$(cat "$STATE/token")" "$(date -u -d '+6 seconds' +%Y-%m-%dT%H:%M:%SZ)"
        """);
    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", execUser()));
    KubeHttp http = new KubeHttp(c);

    assertThat(http.whoAmI()).startsWith("system:serviceaccount:" + ns + ":robot ");
    assertThat(http.get("/api").statusCode()).isEqualTo(200);
    assertThat(runs()).isEqualTo(1); // cached while valid
    assertThat(c.credentials().expiry()).isPresent();
    assertThat(JSON.readTree(dir.resolve("exec-info.json").toFile()).path("spec").path("cluster").path("server").asText())
        .isEqualTo(api.url().toString());

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
      assertThat(http.get("/api").statusCode()).isEqualTo(200);
      return runs() >= 2; // re-run shortly before the 6 s expiry, never a failed request in between
    });
    assertThat(http.whoAmI()).startsWith("system:serviceaccount:" + ns + ":robot ");
  }

  @Test
  void anExecPluginIsRunAgainWhenTheServerRejectsItsToken(ApiServer api) throws Exception {
    Files.writeString(dir.resolve("token"), api.adminToken());
    plugin("""
        token="$(cat "$STATE/token")"; if [ "$n" = 1 ]; then token=not-a-valid-token; fi
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$token"
        """);
    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", execUser()));

    assertThat(new KubeHttp(c).get("/api").statusCode()).isEqualTo(200);
    assertThat(runs()).isEqualTo(2);
  }

  @Test
  void anExecPluginClientCertificateAuthenticates(ApiServer api) throws Exception {
    TestPki.Issued bob = api.pki().client("exec-bob", "exec-group");
    Files.writeString(dir.resolve("credential.json"), JSON.createObjectNode()
        .put("apiVersion", "client.authentication.k8s.io/v1").put("kind", "ExecCredential")
        .set("status", JSON.createObjectNode().put("clientCertificateData", bob.certificatePem())
            .put("clientKeyData", bob.privateKeyPem())).toString());
    plugin("cat \"$STATE/credential.json\"");
    ClusterConfig c = load(kubeconfig(api, api.url().toString(), "", execUser()));

    assertThat(c.credentials().authorization()).isEmpty();
    assertThat(new KubeHttp(c).whoAmI()).isEqualTo("exec-bob [\"exec-group\",\"system:authenticated\"]");
    assertThat(runs()).isEqualTo(1);
  }
}
