package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Users and clusters of a kubeconfig turned into credentials and TLS; every bad input names file and field. */
class KubeconfigCredentialsTest {

  @TempDir
  Path dir;

  private TestCerts.Issued ca;
  private Path caFile;

  @BeforeEach
  void setUp() throws Exception {
    ca = TestCerts.ca("test-ca");
    caFile = dir.resolve("ca.crt");
    Files.writeString(caFile, ca.certificatePem());
  }

  /** A kubeconfig with cluster c (CA file) and user u with the given YAML body, selected. */
  private Path kubeconfig(String userYaml) throws Exception {
    return kubeconfig("server: https://k:6443\n    certificate-authority: " + caFile, userYaml);
  }

  private Path kubeconfig(String clusterYaml, String userYaml) throws Exception {
    Path p = dir.resolve("config");
    Files.writeString(p, "clusters:\n- name: c\n  cluster:\n    " + clusterYaml + "\nusers:\n- name: u\n  user:\n    "
        + userYaml.replace("\n", "\n    ") + "\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
    return p;
  }

  private ClusterConfig load(Path kubeconfig) {
    return new ConfigLoader(Map.of("PATH", System.getenv("PATH")), dir.resolve("home"))
        .load(ConfigFlags.builder().kubeconfig(kubeconfig).build());
  }

  // ---- bearer tokens and basic auth

  @Test
  void tokenIsTrimmedAndStatic() throws Exception {
    ClusterConfig c = load(kubeconfig("token: \"  tok-123 \\n\""));

    assertThat(c.credentials().authorization()).contains("Bearer tok-123");
    assertThat(c.credentials()).isInstanceOf(StaticToken.class);
    assertThat(c.toString()).doesNotContain("tok-123");
  }

  @Test
  void emptyTokenIsAnErrorNotAnonymous() throws Exception {
    Path k = kubeconfig("token: \"  \"");

    assertThatThrownBy(() -> load(k)).isInstanceOf(ConfigException.class).hasMessage(k + ": users[u].token is empty");
  }

  @Test
  void tokenFileIsRelativeToTheKubeconfigAndReReadWhenItChanges() throws Exception {
    Files.writeString(dir.resolve("tok"), "first\n");
    ClusterConfig c = load(kubeconfig("tokenFile: tok"));

    assertThat(c.credentials().authorization()).contains("Bearer first");
    Files.writeString(dir.resolve("tok"), "second-longer");
    assertThat(c.credentials().authorization()).contains("Bearer second-longer");
  }

  @Test
  void tokenFileProblemsNameTheField() throws Exception {
    Path missing = kubeconfig("tokenFile: gone");
    assertThatThrownBy(() -> load(missing)).hasMessage(missing + ": users[u].tokenFile names " + dir.resolve("gone")
        + ", which does not exist");
    Files.writeString(dir.resolve("empty"), " \n");
    Path empty = kubeconfig("tokenFile: empty");
    assertThatThrownBy(() -> load(empty)).hasMessage(empty + ": users[u].tokenFile names " + dir.resolve("empty")
        + ", which is empty");
  }

  @Test
  void tokenFileWinsOverAnInlineTokenAsInClientGo() throws Exception {
    Files.writeString(dir.resolve("tok"), "from-file");

    assertThat(load(kubeconfig("token: inline\ntokenFile: tok")).credentials().authorization()).contains("Bearer from-file");
  }

  @Test
  void basicAuthSendsTheEncodedPairAndNeverShowsThePassword() throws Exception {
    ClusterConfig c = load(kubeconfig("username: alice\npassword: pw-SECRET"));

    String expected = "Basic " + Base64.getEncoder().encodeToString("alice:pw-SECRET".getBytes(StandardCharsets.UTF_8));
    assertThat(c.credentials().authorization()).contains(expected);
    assertThat(c.toString()).contains("basic auth as alice").doesNotContain("pw-SECRET");
  }

  @Test
  void tokenAndBasicAuthTogetherAreRefusedLikeKubectl() throws Exception {
    Path k = kubeconfig("token: t\nusername: a\npassword: b");

    assertThatThrownBy(() -> load(k)).hasMessageStartingWith(k + ": users[u].token and username/password are both set");
  }

  // ---- client certificates

  @ParameterizedTest(name = "{0} key as {1}")
  @CsvSource({"RSA, PKCS#1, data", "RSA, PKCS#8, data", "EC, SEC1, data", "EC, PKCS#8, data",
      "RSA, PKCS#1, files", "EC, SEC1, files", "EC, PKCS#8, files"})
  void clientCertificatesInEveryShapeKubernetesUses(String type, String format, String where) throws Exception {
    KeyPair keys = type.equals("RSA") ? TestCerts.rsa() : TestCerts.ec();
    TestCerts.Issued alice = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), keys, "alice", "devs");
    String keyPem = format.startsWith("PKCS#8") ? alice.pkcs8() : alice.traditional();
    assertThat(keyPem).contains(format.equals("PKCS#8") ? "BEGIN PRIVATE KEY" : "BEGIN " + type + " PRIVATE KEY");
    String user;
    if (where.equals("data")) {
      user = "client-certificate-data: " + TestCerts.b64(alice.certificatePem()) + "\nclient-key-data: " + TestCerts.b64(keyPem);
    } else {
      Files.createDirectories(dir.resolve("pki"));
      Files.writeString(dir.resolve("pki/alice.crt"), alice.certificatePem());
      Files.writeString(dir.resolve("pki/alice.key"), keyPem);
      user = "client-certificate: pki/alice.crt\nclient-key: pki/alice.key";
    }

    ClusterConfig c = load(kubeconfig(user));

    ClientCertificate cert = c.tls().clientCertificate().orElseThrow();
    String alias = cert.chooseEngineClientAlias(new String[] {type}, null, null);
    assertThat(alias).isNotNull();
    assertThat(cert.getCertificateChain(alias)[0]).isEqualTo(alice.certificate());
    assertThat(cert.getPrivateKey(alias).getAlgorithm()).isEqualTo(type);
    assertThat(c.credentials().authorization()).isEmpty();
    assertThat(c.toString()).contains("CN=alice").doesNotContain("PRIVATE");
  }

  @Test
  void unusableKeysAreRefusedNamingTheField() throws Exception {
    TestCerts.Issued alice = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.ec(), "alice");
    TestCerts.Issued dsa = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.dsa(), "dsa");
    String cert = "client-certificate-data: " + TestCerts.b64(alice.certificatePem()) + "\n";
    Function<String, String> key = pem -> cert + "client-key-data: " + TestCerts.b64(pem);

    Path dsaKey = kubeconfig("client-certificate-data: " + TestCerts.b64(dsa.certificatePem()) + "\nclient-key-data: "
        + TestCerts.b64(dsa.traditional()));
    assertThatThrownBy(() -> load(dsaKey)).hasMessage(dsaKey + ": users[u].client-key-data is a DSA private key; "
        + "Kubernetes clients accept RSA, EC or Ed25519 keys");
    Path encrypted = kubeconfig(key.apply(TestCerts.encryptedPkcs8(alice.keyPair().getPrivate())));
    assertThatThrownBy(() -> load(encrypted)).hasMessageContaining("users[u].client-key-data is an encrypted private key");
    Path mismatched = kubeconfig(key.apply(TestCerts.pkcs8(TestCerts.ec().getPrivate())));
    assertThatThrownBy(() -> load(mismatched)).hasMessageStartingWith(mismatched
        + ": users[u].client-key-data does not match the certificate in users[u].client-certificate-data (CN=alice)");
    Path notPem = kubeconfig(key.apply("just text"));
    assertThatThrownBy(() -> load(notPem)).hasMessageContaining("users[u].client-key-data holds no PEM private key");
    Path garbage = kubeconfig(key.apply("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    assertThatThrownBy(() -> load(garbage)).hasMessageContaining("users[u].client-key-data is not a valid PEM private key");
    Path badCert = kubeconfig("client-certificate-data: " + TestCerts.b64("nope") + "\nclient-key-data: " + TestCerts.b64(alice.pkcs8()));
    assertThatThrownBy(() -> load(badCert)).hasMessageContaining("users[u].client-certificate-data holds no PEM certificate");
    Path noKey = kubeconfig(cert.strip());
    assertThatThrownBy(() -> load(noKey)).hasMessage(noKey + ": users[u].client-certificate-data is set without client-key or client-key-data");
    Path both = kubeconfig(key.apply(alice.pkcs8()) + "\nclient-certificate: x.crt");
    assertThatThrownBy(() -> load(both)).hasMessage(both + ": users[u].client-certificate-data and client-certificate are both set: choose one");
    Path missingFile = kubeconfig("client-certificate: gone.crt\nclient-key: gone.key");
    assertThatThrownBy(() -> load(missingFile)).hasMessage(missingFile + ": users[u].client-certificate names "
        + dir.resolve("gone.crt") + ", which does not exist");
  }

  @Test
  void noErrorMessageCarriesKeyMaterial() throws Exception {
    TestCerts.Issued alice = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.rsa(), "alice");
    String keyPem = alice.traditional();
    String broken = keyPem.substring(0, keyPem.length() / 2) + "\n-----END RSA PRIVATE KEY-----\n";
    Path k = kubeconfig("client-certificate-data: " + TestCerts.b64(alice.certificatePem()) + "\nclient-key-data: " + TestCerts.b64(broken));

    assertThatThrownBy(() -> load(k)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(keyPem.split("\n")[2]))
        .hasMessageContaining("users[u].client-key-data");
  }

  // ---- cluster trust

  @Test
  void certificateAuthorityProblemsNameTheField() throws Exception {
    Path missing = kubeconfig("server: https://k:1\n    certificate-authority: nope.crt", "token: t");
    assertThatThrownBy(() -> load(missing)).hasMessage(missing + ": clusters[c].certificate-authority names "
        + dir.resolve("nope.crt") + ", which does not exist");
    Files.writeString(dir.resolve("empty.crt"), "");
    Path empty = kubeconfig("server: https://k:1\n    certificate-authority: empty.crt", "token: t");
    assertThatThrownBy(() -> load(empty)).hasMessage(empty + ": clusters[c].certificate-authority names "
        + dir.resolve("empty.crt") + ", which is empty");
    Path badData = kubeconfig("server: https://k:1\n    certificate-authority-data: " + TestCerts.b64("garbage"), "token: t");
    assertThatThrownBy(() -> load(badData)).hasMessageStartingWith(badData + ": clusters[c].certificate-authority-data holds no PEM certificate");
    Path both = kubeconfig("server: https://k:1\n    certificate-authority: " + caFile + "\n    insecure-skip-tls-verify: true", "token: t");
    assertThatThrownBy(() -> load(both)).hasMessageStartingWith(both + ": clusters[c].insecure-skip-tls-verify is true while a certificate authority is also set");
    Path two = kubeconfig("server: https://k:1\n    certificate-authority: " + caFile + "\n    certificate-authority-data: "
        + TestCerts.b64(ca.certificatePem()), "token: t");
    assertThatThrownBy(() -> load(two)).hasMessage(two + ": clusters[c].certificate-authority-data and certificate-authority are both set: choose one");
  }

  @Test
  void inlineCaAndServerNameAreUsed() throws Exception {
    ClusterConfig c = load(kubeconfig("server: https://10.0.0.1:6443\n    certificate-authority-data: " + TestCerts.b64(ca.certificatePem())
        + "\n    tls-server-name: kubernetes.default.svc", "token: t"));

    assertThat(c.tls().checkCa()).isEqualTo(1);
    assertThat(c.tls().serverName()).contains("kubernetes.default.svc");
    assertThat(c.tls().sslParameters().getServerNames()).hasSize(1);
  }

  // ---- what kapi refuses

  @Test
  void removedAuthProvidersGiveKubectlsMessage() throws Exception {
    Path gcp = kubeconfig("auth-provider: {name: gcp, config: {access-token: at-SECRET}}");
    assertThatThrownBy(() -> load(gcp))
        .hasMessage(gcp + ": users[u].auth-provider is gcp: The gcp auth plugin has been removed.\n"
            + "Please use the \"gke-gcloud-auth-plugin\" kubectl/client-go credential plugin instead.\n"
            + "See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details");
    Path azure = kubeconfig("auth-provider: {name: azure}");
    assertThatThrownBy(() -> load(azure))
        .hasMessage(azure + ": users[u].auth-provider is azure: The azure auth plugin has been removed.\n"
            + "Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.\n"
            + "See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details");
    Path oidc = kubeconfig("auth-provider: {name: oidc, config: {id-token: idt-SECRET, refresh-token: rt-SECRET}}");
    assertThatThrownBy(() -> load(oidc))
        .hasMessageStartingWith(oidc + ": users[u].auth-provider is oidc, which kapi does not support: configure an exec credential plugin")
        .hasMessageNotContaining("SECRET");
    Path other = kubeconfig("auth-provider: {name: acme}");
    assertThatThrownBy(() -> load(other)).hasMessageContaining("no Auth Provider found for name \"acme\"");
  }

  @Test
  void impersonationIsRefusedRatherThanIgnored() throws Exception {
    Path k = kubeconfig("token: t\nas: admin\nas-groups: [system:masters]");

    assertThatThrownBy(() -> load(k)).hasMessageStartingWith(k + ": users[u].as asks for impersonation, which kapi does not support");
  }

  @Test
  void aClientCertificateConfiguredBesideAnExecPluginIsUsedAndThePluginNeverRuns() throws Exception {
    // client-go's exec authenticator steps aside for a certificate: a failing plugin must not fail every request
    TestCerts.Issued alice = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.ec(), "alice");
    ClusterConfig c = load(kubeconfig("client-certificate-data: " + TestCerts.b64(alice.certificatePem())
        + "\nclient-key-data: " + TestCerts.b64(alice.pkcs8())
        + "\nexec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: /no/such/plugin\n  interactiveMode: Never"));
    assertThat(c.credentials().authorization()).isEmpty();
    ClientCertificate cert = c.tls().clientCertificate().orElseThrow();
    assertThat(cert.getCertificateChain(cert.chooseEngineClientAlias(new String[] {"EC"}, null, null))[0])
        .isEqualTo(alice.certificate());
  }

  @Test
  void execUserBecomesExecCredentialsWithoutRunningAnythingYet() throws Exception {
    ClusterConfig c = load(kubeconfig("exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: /no/such/plugin\n"
        + "  interactiveMode: Never\n  env: [{name: SECRET_ENV, value: env-SECRET}]"));

    assertThat(c.credentials()).isInstanceOf(ExecCredentials.class);
    assertThat(c.toString()).contains("exec plugin /no/such/plugin").doesNotContain("env-SECRET");
    assertThat(c.tls().clientCertificate()).isPresent(); // a plugin may return a certificate: asked per handshake
    assertThatThrownBy(() -> c.credentials().authorization())
        .isInstanceOf(CredentialsUnavailableException.class)
        .hasMessageStartingWith(dir.resolve("config") + ": users[u].exec plugin /no/such/plugin executable /no/such/plugin not found");
  }
}
