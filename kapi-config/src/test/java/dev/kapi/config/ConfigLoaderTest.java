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

/** Where the configuration comes from, and how flags apply over it: kubectl's resolution. */
class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path home;
  private Path caFile;
  private Path podDir;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    caFile = dir.resolve("ca.crt");
    Files.writeString(caFile, TestCerts.ca("test-ca").certificatePem());
    podDir = Files.createDirectories(dir.resolve("pod"));
    Files.writeString(podDir.resolve("token"), "pod-token\n");
    Files.copy(caFile, podDir.resolve("ca.crt"));
    Files.writeString(podDir.resolve("namespace"), "pod-ns");
    env.put("PATH", System.getenv("PATH"));
  }

  private void inPod() {
    env.put("KUBERNETES_SERVICE_HOST", "10.0.0.1");
    env.put("KUBERNETES_SERVICE_PORT", "443");
    env.put("KAPI_SERVICEACCOUNT_DIR", podDir.toString());
  }

  private Path kubeconfig(String name, String server, String token) throws Exception {
    return write(name, """
        clusters:
        - name: c
          cluster: {server: %s, certificate-authority: %s}
        users:
        - name: u
          user: {token: %s}
        contexts:
        - name: ctx
          context: {cluster: c, user: u}
        current-context: ctx
        """.formatted(server, caFile, token));
  }

  private Path write(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
    return p;
  }

  private ClusterConfig load(ConfigFlags flags) {
    return new ConfigLoader(env, home).load(flags);
  }

  private ClusterConfig load() {
    return load(ConfigFlags.none());
  }

  private static String auth(ClusterConfig c) {
    return c.credentials().authorization().orElse(null);
  }

  // ---- --token given the Pod's own token (the seed's --token="$(cat token)")

  @Test
  void aTokenFlagHoldingThePodsOwnTokenFollowsTheFileAsItRotates() throws Exception {
    inPod();
    ClusterConfig c = load(ConfigFlags.builder().server("https://10.0.0.1:443").token("pod-token").build());
    assertThat(auth(c)).isEqualTo("Bearer pod-token");
    assertThat(c.source()).contains("--token is the service account's token, read from " + podDir.resolve("token"));
    Files.writeString(podDir.resolve("token"), "rotated-pod-token\n"); // the kubelet's next token
    assertThat(auth(c)).isEqualTo("Bearer rotated-pod-token");
  }

  @Test
  void anyOtherTokenFlagStaysTheStaticTokenItWasGiven() throws Exception {
    inPod();
    ClusterConfig c = load(ConfigFlags.builder().token("someone-elses").build());
    Files.writeString(podDir.resolve("token"), "rotated-pod-token\n");
    assertThat(auth(c)).isEqualTo("Bearer someone-elses");
    assertThat(c.source()).doesNotContain("--token is");
  }

  // ---- which source

  @Test
  void kubeconfigVariableWinsOverInCluster() throws Exception {
    inPod();
    env.put("KUBECONFIG", kubeconfig("a", "https://from-env:6443", "env-token").toString());

    ClusterConfig c = load();

    assertThat(c.server()).isEqualTo(URI.create("https://from-env:6443"));
    assertThat(auth(c)).isEqualTo("Bearer env-token");
    assertThat(c.source()).startsWith("kubeconfig " + dir.resolve("a") + " context ctx");
  }

  @Test
  void inClusterWinsOverTheHomeKubeconfig() throws Exception {
    inPod();
    Files.createDirectories(home.resolve(".kube"));
    Files.copy(kubeconfig("a", "https://from-home:6443", "home-token"), home.resolve(".kube/config"));

    ClusterConfig c = load();

    assertThat(c.server()).isEqualTo(URI.create("https://10.0.0.1:443"));
    assertThat(auth(c)).isEqualTo("Bearer pod-token");
    assertThat(c.namespace()).isEqualTo("pod-ns");
    assertThat(c.credentials()).isInstanceOf(TokenFile.class);
    assertThat(c.source()).isEqualTo("in-cluster (" + podDir + ")");
  }

  @Test
  void homeKubeconfigIsUsedOutsideAPod() throws Exception {
    Files.createDirectories(home.resolve(".kube"));
    Files.copy(kubeconfig("a", "https://from-home:6443", "home-token"), home.resolve(".kube/config"));

    assertThat(load().server()).isEqualTo(URI.create("https://from-home:6443"));
  }

  @Test
  void contextFlagAsksForTheKubeconfigEvenInAPod() throws Exception {
    inPod();
    Files.createDirectories(home.resolve(".kube"));
    Files.copy(kubeconfig("a", "https://from-home:6443", "home-token"), home.resolve(".kube/config"));

    assertThat(load(ConfigFlags.builder().context("ctx").build()).server()).isEqualTo(URI.create("https://from-home:6443"));
    assertThatThrownBy(() -> load(ConfigFlags.builder().context("nope").build()))
        .hasMessageContaining("flags: --context names context \"nope\", which is not defined in " + home.resolve(".kube/config"))
        .hasMessageContaining("(defined: ctx)");
  }

  @Test
  void contextFlagWithoutAnyKubeconfigIsAnError() {
    assertThatThrownBy(() -> load(ConfigFlags.builder().context("prod").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--context names context \"prod\", which is not defined")
        .hasMessageContaining("none defined");
  }

  @Test
  void kubeconfigVariableWithOnlyMissingFilesFallsBackToInCluster() {
    inPod();
    env.put("KUBECONFIG", dir.resolve("missing-1") + ":" + dir.resolve("missing-2"));

    assertThat(load().source()).startsWith("in-cluster");
  }

  @Test
  void kubeconfigVariableWithOnlyMissingFilesAndNoPodSaysWhatItLookedFor() {
    env.put("KUBECONFIG", dir.resolve("missing-1").toString());

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("none of the kubeconfig files exist (" + dir.resolve("missing-1") + ")")
        .hasMessageContaining("KUBERNETES_SERVICE_HOST")
        .hasMessageContaining("--server was not given");
  }

  @Test
  void nothingAtAllSaysWhatWasMissing() {
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no configuration found")
        .hasMessageContaining("environment variable KUBERNETES_SERVICE_HOST")
        .hasMessageContaining(home.resolve(".kube/config") + " does not exist");
  }

  @Test
  void explicitKubeconfigMustExist() throws Exception {
    env.put("KUBECONFIG", kubeconfig("a", "https://from-env:6443", "t").toString());

    assertThatThrownBy(() -> load(ConfigFlags.builder().kubeconfig(dir.resolve("nope")).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("flags: --kubeconfig names " + dir.resolve("nope") + ", which does not exist");
  }

  @Test
  void explicitKubeconfigWinsOverTheVariable() throws Exception {
    env.put("KUBECONFIG", kubeconfig("a", "https://from-env:6443", "t").toString());
    Path b = kubeconfig("b", "https://from-flag:6443", "t");

    assertThat(load(ConfigFlags.builder().kubeconfig(b).build()).server()).isEqualTo(URI.create("https://from-flag:6443"));
  }

  @Test
  void serverFlagAloneIsEnoughWithoutAnyConfig() {
    ClusterConfig c = load(ConfigFlags.builder().server("https://10.1.2.3:6443").build());

    assertThat(c.server()).isEqualTo(URI.create("https://10.1.2.3:6443"));
    assertThat(c.credentials().authorization()).isEmpty();
    assertThat(c.source()).isEqualTo("flags");
  }

  // ---- merging several files

  @Test
  void firstFileWinsPerNamedEntryAndForCurrentContext() throws Exception {
    Path a = write("a/config", """
        clusters:
        - name: shared
          cluster: {server: https://from-a:6443}
        users:
        - name: shared-user
          user: {token: token-a}
        """);
    Path b = write("b/config", """
        clusters:
        - name: shared
          cluster: {server: https://from-b:6443}
        - name: only-b
          cluster: {server: https://only-b:6443}
        users:
        - name: shared-user
          user: {token: token-b}
        - name: b-user
          user: {tokenFile: tokens/b}
        contexts:
        - name: ctx-b
          context: {cluster: shared, user: b-user, namespace: ns-b}
        - name: ctx-shared
          context: {cluster: only-b, user: shared-user}
        current-context: ctx-b
        """);
    Path c = write("c/config", "current-context: ctx-shared\n");
    Files.createDirectories(dir.resolve("b/tokens"));
    Files.writeString(dir.resolve("b/tokens/b"), "token-from-b-dir\n");
    env.put("KUBECONFIG", a + ":" + dir.resolve("missing") + ":" + b + ":" + c);

    ClusterConfig merged = load();

    assertThat(merged.server()).isEqualTo(URI.create("https://from-a:6443")); // cluster "shared" from a
    assertThat(auth(merged)).isEqualTo("Bearer token-from-b-dir"); // relative to b's directory
    assertThat(merged.namespace()).isEqualTo("ns-b");
    ClusterConfig shared = load(ConfigFlags.builder().context("ctx-shared").build());
    assertThat(auth(shared)).isEqualTo("Bearer token-a"); // user "shared-user" from a
    assertThat(shared.server()).isEqualTo(URI.create("https://only-b:6443"));
  }

  @Test
  void aBadFileAnywhereInTheListFailsTheLoad() throws Exception {
    Path a = kubeconfig("a", "https://a:6443", "t");
    Path bad = write("bad", "clusters: [\n");
    env.put("KUBECONFIG", a + ":" + bad);

    assertThatThrownBy(this::load).hasMessageContaining(bad + " is not valid YAML");
  }

  @Test
  void noCurrentContextSelectsNothing() throws Exception {
    Path a = write("a", "clusters:\n- name: c\n  cluster: {server: https://a:6443}\ncontexts:\n- name: x\n  context: {cluster: c}\n");
    env.put("KUBECONFIG", a.toString());

    assertThatThrownBy(this::load).hasMessageContaining(a + " sets no current-context and --context was not given (contexts defined: x)");
    inPod();
    assertThat(load().source()).startsWith("in-cluster");
    assertThat(load(ConfigFlags.builder().context("x").build()).server()).isEqualTo(URI.create("https://a:6443"));
  }

  @Test
  void unknownCurrentContextNamesTheFileAndField() throws Exception {
    Path a = write("a", "current-context: gone\ncontexts:\n- name: x\n  context: {}\n");
    env.put("KUBECONFIG", a.toString());

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(a + ": current-context names context \"gone\", which is not defined in " + a + " (defined: x)");
  }

  @Test
  void danglingReferencesNameTheContextField() throws Exception {
    Path a = write("a", """
        clusters:
        - name: c
          cluster: {server: https://a:6443}
        contexts:
        - name: no-cluster
          context: {cluster: missing, user: u}
        - name: no-user
          context: {cluster: c, user: missing}
        users:
        - name: u
          user: {token: t}
        """);
    env.put("KUBECONFIG", a.toString());

    assertThatThrownBy(() -> load(ConfigFlags.builder().context("no-cluster").build()))
        .hasMessage(a + ": contexts[no-cluster].cluster names cluster \"missing\", which is not defined in " + a + " (defined: c)");
    assertThatThrownBy(() -> load(ConfigFlags.builder().context("no-user").build()))
        .hasMessage(a + ": contexts[no-user].user names user \"missing\", which is not defined in " + a + " (defined: u)");
    assertThatThrownBy(() -> load(ConfigFlags.builder().context("no-user").cluster("other").build()))
        .hasMessageContaining("flags: --cluster names cluster \"other\"");
    assertThatThrownBy(() -> load(ConfigFlags.builder().context("no-user").user("other").build()))
        .hasMessageContaining("flags: --user names user \"other\"");
  }

  @Test
  void clusterAndUserFlagsOverrideTheContext() throws Exception {
    Path a = write("a", """
        clusters:
        - name: c1
          cluster: {server: https://one:6443}
        - name: c2
          cluster: {server: https://two:6443}
        users:
        - name: u1
          user: {token: one}
        - name: u2
          user: {token: two}
        contexts:
        - name: ctx
          context: {cluster: c1, user: u1, namespace: ns1}
        current-context: ctx
        """);
    env.put("KUBECONFIG", a.toString());

    ClusterConfig c = load(ConfigFlags.builder().cluster("c2").user("u2").build());

    assertThat(c.server()).isEqualTo(URI.create("https://two:6443"));
    assertThat(auth(c)).isEqualTo("Bearer two");
    assertThat(c.namespace()).isEqualTo("ns1");
  }

  @Test
  void contextWithoutClusterNeedsAServer() throws Exception {
    Path a = write("a", "contexts:\n- name: x\n  context: {namespace: n}\ncurrent-context: x\n");
    env.put("KUBECONFIG", a.toString());

    assertThatThrownBy(this::load).hasMessageContaining("selects no cluster, so no server");
    assertThat(load(ConfigFlags.builder().server("https://s:1").build()).server()).isEqualTo(URI.create("https://s:1"));
  }

  @Test
  void clusterWithoutServerNamesTheField() throws Exception {
    Path a = write("a", "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
    env.put("KUBECONFIG", a.toString());

    assertThatThrownBy(this::load).hasMessage(a + ": clusters[c].server is missing");
  }

  // ---- namespace

  @Test
  void namespaceComesFromFlagThenContextThenPodThenDefault() throws Exception {
    Path withNs = write("with", "clusters:\n- name: c\n  cluster: {server: https://a:1}\ncontexts:\n- name: x\n  context: {cluster: c, namespace: ctx-ns}\ncurrent-context: x\n");
    Path withoutNs = write("without", "clusters:\n- name: c\n  cluster: {server: https://a:1}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");

    env.put("KUBECONFIG", withNs.toString());
    assertThat(load(ConfigFlags.builder().namespace("flag-ns").build()).namespace()).isEqualTo("flag-ns");
    assertThat(load().namespace()).isEqualTo("ctx-ns");
    env.put("KUBECONFIG", withoutNs.toString());
    assertThat(load().namespace()).isEqualTo("default");
    inPod();
    assertThat(load().namespace()).isEqualTo("pod-ns"); // kubectl in a Pod: the Pod's namespace
    env.put("POD_NAMESPACE", "downward-ns");
    assertThat(load().namespace()).isEqualTo("downward-ns");
  }

  // ---- flags over a source

  @Test
  void serverFlagKeepsTheUserAndDropsTheConfiguredServerName() throws Exception {
    Path a = write("a", """
        clusters:
        - name: c
          cluster: {server: https://a:6443, certificate-authority: %s, tls-server-name: a.internal}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """.formatted(caFile));
    env.put("KUBECONFIG", a.toString());

    ClusterConfig moved = load(ConfigFlags.builder().server("https://b:6443/prefix").build());
    ClusterConfig named = load(ConfigFlags.builder().server("https://b:6443").tlsServerName("b.internal").build());

    assertThat(moved.server()).isEqualTo(URI.create("https://b:6443/prefix"));
    assertThat(moved.pathPrefix()).isEqualTo("/prefix");
    assertThat(auth(moved)).isEqualTo("Bearer t");
    assertThat(moved.tls().serverName()).isEmpty();
    assertThat(named.tls().serverName()).contains("b.internal");
    assertThat(load().tls().serverName()).contains("a.internal");
    assertThat(moved.source()).endsWith(" + flags");
  }

  @Test
  void insecureFlagReplacesAConfiguredCaAndCaFlagReplacesInsecure() throws Exception {
    Path withCa = kubeconfig("with-ca", "https://a:6443", "t");
    Path insecure = write("insecure", "clusters:\n- name: c\n  cluster: {server: https://a:1, insecure-skip-tls-verify: true}\n"
        + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");

    env.put("KUBECONFIG", withCa.toString());
    ClusterConfig skip = load(ConfigFlags.builder().insecureSkipTlsVerify(true).build());
    env.put("KUBECONFIG", insecure.toString());
    ClusterConfig verify = load(ConfigFlags.builder().certificateAuthority(caFile).build());

    assertThat(skip.tls().insecureSkipTlsVerify()).isTrue();
    assertThat(verify.tls().insecureSkipTlsVerify()).isFalse();
    assertThat(verify.tls().checkCa()).isEqualTo(1);
    assertThatThrownBy(() -> load(ConfigFlags.builder().certificateAuthority(caFile).insecureSkipTlsVerify(true).build()))
        .hasMessage("flags: --insecure-skip-tls-verify cannot be combined with --certificate-authority: choose one");
  }

  @Test
  void tokenFlagReplacesTheUsersCredentialsAndTokenFileFlagRotates() throws Exception {
    inPod();
    Path tokenFile = dir.resolve("flag-token");
    Files.writeString(tokenFile, "file-token");

    assertThat(auth(load(ConfigFlags.builder().token("flag-token").build()))).isEqualTo("Bearer flag-token");
    ClusterConfig fromFile = load(ConfigFlags.builder().tokenFile(tokenFile).build());
    assertThat(auth(fromFile)).isEqualTo("Bearer file-token");
    Files.writeString(tokenFile, "rotated-token");
    assertThat(auth(fromFile)).isEqualTo("Bearer rotated-token");
    assertThat(fromFile.source()).isEqualTo("in-cluster (" + podDir + ") + flags");
  }

  @Test
  void serverFlagInAPodKeepsThePodsTokenAndCa() {
    inPod();

    ClusterConfig c = load(ConfigFlags.builder().server("https://10.0.0.99:6443").build());

    assertThat(c.server()).isEqualTo(URI.create("https://10.0.0.99:6443"));
    assertThat(auth(c)).isEqualTo("Bearer pod-token");
    assertThat(c.tls().checkCa()).isEqualTo(1);
    assertThat(c.source()).isEqualTo("in-cluster (" + podDir + ") + flags");
  }

  @Test
  void flagProblemsNameTheFlag() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "  \n");
    Path notPem = Files.writeString(dir.resolve("not-pem"), "hello");

    assertThatThrownBy(() -> load(ConfigFlags.builder().token("a").tokenFile(empty).build()))
        .hasMessage("flags: --token and --token-file cannot both be set");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("https://s:1").tokenFile(empty).build()))
        .hasMessage("flags: --token-file names " + empty + ", which is empty");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("https://s:1").tokenFile(dir.resolve("gone")).build()))
        .hasMessage("flags: --token-file names " + dir.resolve("gone") + ", which does not exist");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("https://s:1").certificateAuthority(notPem).build()))
        .hasMessageStartingWith("flags: --certificate-authority names " + notPem + ", which holds no PEM certificate");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("https://s:1").certificateAuthority(dir.resolve("gone")).build()))
        .hasMessage("flags: --certificate-authority names " + dir.resolve("gone") + ", which does not exist");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("https://s:1").clientCertificate(notPem).build()))
        .hasMessage("flags: --client-certificate needs --client-key as well");
    assertThatThrownBy(() -> load(ConfigFlags.builder().server("ftp://s:1").build()))
        .hasMessage("flags: --server must be an http or https URL, not ftp://...");
  }

  @Test
  void serverWithoutSchemeGetsHttpsOnlyWhenTlsIsConfigured() throws Exception {
    assertThat(load(ConfigFlags.builder().server("10.0.0.1:6443").certificateAuthority(caFile).build()).server())
        .isEqualTo(URI.create("https://10.0.0.1:6443"));
    assertThat(load(ConfigFlags.builder().server("10.0.0.1:8080").build()).server())
        .isEqualTo(URI.create("http://10.0.0.1:8080"));
  }

  @Test
  void plainHttpServerNeverGetsCredentials() throws Exception {
    env.put("KUBECONFIG", kubeconfig("a", "http://insecure:8080", "would-leak").toString());

    ClusterConfig c = load();

    assertThat(c.credentials().authorization()).isEmpty();
  }

  @Test
  void proxyUrlIsKeptAndItsPasswordNeverShown() throws Exception {
    Path a = write("a", "clusters:\n- name: c\n  cluster: {server: https://a:1, proxy-url: 'http://me:proxy-SECRET@proxy:3128'}\n"
        + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
    Path bad = write("bad", "clusters:\n- name: c\n  cluster: {server: https://a:1, proxy-url: 'ftp://me:proxy-SECRET@proxy'}\n"
        + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
    env.put("KUBECONFIG", a.toString());

    ClusterConfig c = load();

    assertThat(c.proxy()).contains(URI.create("http://me:proxy-SECRET@proxy:3128"));
    assertThat(c.toString()).contains("proxy=http://REDACTED@proxy:3128").doesNotContain("SECRET");
    env.put("KUBECONFIG", bad.toString());
    assertThatThrownBy(this::load)
        .hasMessage(bad + ": clusters[c].proxy-url has unsupported scheme \"ftp\", must be http, https, or socks5")
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void socks5AndHttpsProxiesAreAccepted() throws Exception {
    for (String proxy : new String[] {"socks5://p:1080", "https://p:8443"}) {
      Path a = write("p", "clusters:\n- name: c\n  cluster: {server: https://a:1, proxy-url: '" + proxy + "'}\n"
          + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
      env.put("KUBECONFIG", a.toString());
      assertThat(load().proxy()).contains(URI.create(proxy));
    }
  }

  @Test
  void serverUrlsThatWouldLoseOrLeakSomethingAreRefused() throws Exception {
    for (String[] bad : new String[][] {
        {"https://user:pw@a:1", "must not contain a user name or password"},
        {"https://a:1/p?x=1", "must not have a query or fragment"},
        {"https://a_b:1", "has no valid host name"},
        {"https://me:pw@bad host:1", "is not a valid URL: https://(redacted)@bad host:1"}}) {
      Path a = write("s", "clusters:\n- name: c\n  cluster: {server: '" + bad[0] + "'}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
      env.put("KUBECONFIG", a.toString());
      assertThatThrownBy(this::load).hasMessageContaining(a + ": clusters[c].server " + bad[1]).hasMessageNotContaining("pw");
    }
  }
}
