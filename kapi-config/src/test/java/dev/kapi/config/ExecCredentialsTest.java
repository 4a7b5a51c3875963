package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec credential plugins, run for real (small shell scripts) with a controllable clock. */
class ExecCredentialsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private boolean tty;
  private TestCerts.Issued ca;

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant i) {
      now = i;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    ca = TestCerts.ca("exec-ca");
    // The plugin: counts its runs, records what it was given, prints out-<run>.json or out.json, exits with "exit".
    Path plugin = dir.resolve("bin/plugin");
    Files.createDirectories(plugin.getParent());
    Files.writeString(plugin, """
        #!/bin/bash
        n=1; if [ -f "$D/runs" ]; then n=$(( $(cat "$D/runs") + 1 )); fi; echo $n > "$D/runs"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$D/info-$n.json"
        printf '%s|%s|%s' "$GREETING" "$HOME_MARKER" "$*" > "$D/env-$n"
        if [ -f "$D/out-$n.json" ]; then cat "$D/out-$n.json"; else cat "$D/out.json"; fi
        if [ -f "$D/exit" ]; then exit $(cat "$D/exit"); fi
        """);
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path kubeconfig(String execExtra) throws Exception {
    Path p = dir.resolve("config");
    Files.writeString(p, """
        clusters:
        - name: c
          cluster:
            server: https://10.0.0.1:6443
            certificate-authority-data: %s
            tls-server-name: api.internal
            extensions:
            - name: client.authentication.k8s.io/exec
              extension: {audience: kapi-tests}
        users:
        - name: u
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./bin/plugin
              args: [get-token, --fast]
              env: [{name: D, value: "%s"}, {name: GREETING, value: hello}]
              %s
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """.formatted(TestCerts.b64(ca.certificatePem()), dir, execExtra.isEmpty() ? "interactiveMode: Never" : execExtra));
    return p;
  }

  private ClusterConfig load(String execExtra) throws Exception {
    ExecEnvironment exec = new ExecEnvironment(Map.of("PATH", System.getenv("PATH"), "HOME_MARKER", "from-parent"),
        () -> tty, clock);
    return new ConfigLoader(exec.env(), dir.resolve("home"), exec).load(ConfigFlags.builder().kubeconfig(kubeconfig(execExtra)).build());
  }

  private ClusterConfig load() throws Exception {
    return load("");
  }

  private void output(String name, ObjectNode status) throws Exception {
    ObjectNode cred = JSON.createObjectNode().put("apiVersion", "client.authentication.k8s.io/v1").put("kind", "ExecCredential");
    cred.set("status", status);
    Files.writeString(dir.resolve(name), cred.toString());
  }

  private ObjectNode token(String token, Instant expiry) {
    ObjectNode s = JSON.createObjectNode().put("token", token);
    if (expiry != null) {
      s.put("expirationTimestamp", expiry.toString());
    }
    return s;
  }

  private int runs() throws Exception {
    Path r = dir.resolve("runs");
    return Files.exists(r) ? Integer.parseInt(Files.readString(r).strip()) : 0;
  }

  @Test
  void tokenIsCachedUntilTenSecondsBeforeItExpires() throws Exception {
    output("out-1.json", token("first", T0.plusSeconds(3600)));
    output("out-2.json", token("second", T0.plusSeconds(7200)));
    ClusterConfig c = load();
    assertThat(runs()).isZero(); // nothing runs at load time, as in kubectl

    assertThat(c.credentials().authorization()).contains("Bearer first");
    assertThat(c.credentials().authorization()).contains("Bearer first");
    clock.set(T0.plusSeconds(3589));
    assertThat(c.credentials().authorization()).contains("Bearer first");
    assertThat(runs()).isEqualTo(1);
    assertThat(c.credentials().expiry()).contains(T0.plusSeconds(3600));

    clock.set(T0.plusSeconds(3590));
    // due for a refresh but still valid: handed out while the plugin runs again, so nobody waits for it
    assertThat(c.credentials().authorization()).contains("Bearer first");
    await().atMost(Duration.ofSeconds(10)).until(() -> c.credentials().authorization().equals(Optional.of("Bearer second")));
    assertThat(runs()).isEqualTo(2);
  }

  @Test
  void pastItsExpiryACredentialIsNeverHandedOutAndTheCallerWaitsForTheRun() throws Exception {
    output("out-1.json", token("first", T0.plusSeconds(60)));
    output("out-2.json", token("second", T0.plusSeconds(7200)));
    ClusterConfig c = load();
    assertThat(c.credentials().authorization()).contains("Bearer first");
    clock.set(T0.plusSeconds(60));
    assertThat(c.credentials().authorization()).contains("Bearer second");
    assertThat(runs()).isEqualTo(2);
  }

  @Test
  void aCallerThatMustNotWaitHearsThePluginIsStillRunningAndGetsTheCredentialOnceItIs() throws Exception {
    // a plugin that takes its time (a cloud CLI fetching a token): an event loop asking must not stall on it
    output("out.json", token("slow", T0.plusSeconds(3600)));
    Path gate = dir.resolve("gate");
    Files.writeString(dir.resolve("bin/plugin"), Files.readString(dir.resolve("bin/plugin")).replace("#!/bin/bash\n",
        "#!/bin/bash\nwhile [ ! -f \"" + gate + "\" ]; do sleep 0.05; done\n"));
    ClusterConfig c = load();
    assertThatThrownBy(() -> c.credentials().authorizationWithoutWaiting())
        .isInstanceOf(CredentialsUnavailableException.class).hasMessageContaining("has not returned a credential yet");
    assertThatThrownBy(() -> c.credentials().authorizationWithoutWaiting())
        .isInstanceOf(CredentialsUnavailableException.class);
    Files.writeString(gate, "go");
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        return c.credentials().authorizationWithoutWaiting().equals(Optional.of("Bearer slow"));
      } catch (CredentialsUnavailableException stillRunning) {
        return false;
      }
    });
    assertThat(runs()).as("one run, however often it was asked").isEqualTo(1);
  }

  @Test
  void aFailedRunIsReportedToACallerThatMustNotWaitAndNotRepeatedWithinASecond() throws Exception {
    output("out.json", token("t", null));
    Files.writeString(dir.resolve("exit"), "3");
    ClusterConfig c = load();
    assertThatThrownBy(() -> c.credentials().authorization()).isInstanceOf(CredentialsUnavailableException.class)
        .hasMessageContaining("failed with exit code 3");
    assertThatThrownBy(() -> c.credentials().authorizationWithoutWaiting())
        .isInstanceOf(CredentialsUnavailableException.class)
        .hasMessageStartingWith(dir.resolve("config") + ": users[u].exec plugin " + dir.resolve("bin/plugin")
            + " failed with exit code 3 (the last run");
    assertThat(runs()).isEqualTo(1);
    Files.delete(dir.resolve("exit"));
    clock.set(T0.plusSeconds(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        return c.credentials().authorizationWithoutWaiting().equals(Optional.of("Bearer t"));
      } catch (CredentialsUnavailableException notYet) {
        return false;
      }
    });
  }

  @Test
  void shortLivedCredentialsRefreshAQuarterOfTheirLifetimeEarly() throws Exception {
    output("out-1.json", token("first", T0.plusSeconds(8)));
    output("out-2.json", token("second", T0.plusSeconds(20)));
    ClusterConfig c = load();

    assertThat(c.credentials().authorization()).contains("Bearer first");
    clock.set(T0.plusMillis(5999));
    assertThat(c.credentials().authorization()).contains("Bearer first");
    clock.set(T0.plusSeconds(6));
    assertThat(c.credentials().authorization()).contains("Bearer first"); // valid for two seconds more
    await().atMost(Duration.ofSeconds(10)).until(() -> c.credentials().authorization().equals(Optional.of("Bearer second")));
  }

  @Test
  void withoutExpiryTheCredentialIsKeptUntilA401() throws Exception {
    output("out-1.json", token("first", null));
    output("out-2.json", token("second", null));
    ClusterConfig c = load();

    assertThat(c.credentials().authorization()).contains("Bearer first");
    clock.set(T0.plusSeconds(86400 * 365));
    assertThat(c.credentials().authorization()).contains("Bearer first");
    assertThat(c.credentials().refreshAfterUnauthorized("Bearer first")).isTrue();
    assertThat(c.credentials().authorization()).contains("Bearer second");
    assertThat(runs()).isEqualTo(2);
  }

  @Test
  void a401ForACredentialAlreadyReplacedDoesNotRunThePluginAgain() throws Exception {
    output("out-1.json", token("first", null));
    output("out-2.json", token("second", null));
    ClusterConfig c = load();
    c.credentials().authorization();

    assertThat(c.credentials().refreshAfterUnauthorized("Bearer something-older")).isTrue();
    assertThat(runs()).isEqualTo(1);
    assertThat(c.credentials().refreshAfterUnauthorized("Bearer first")).isTrue();
    assertThat(runs()).isEqualTo(2);
  }

  @Test
  void aPluginReturningTheSameRejectedTokenOffersNoRetry() throws Exception {
    output("out.json", token("same", null));
    ClusterConfig c = load();

    assertThat(c.credentials().refreshAfterUnauthorized(c.credentials().authorization().orElseThrow())).isFalse();
  }

  @Test
  void pluginGetsArgsItsEnvThisProcessesEnvAndClusterInfoWhenAskedFor() throws Exception {
    output("out.json", token("t", null));
    ClusterConfig c = load("interactiveMode: Never\n      provideClusterInfo: true");

    c.credentials().authorization();

    assertThat(Files.readString(dir.resolve("env-1"))).isEqualTo("hello|from-parent|get-token --fast");
    JsonNode info = JSON.readTree(Files.readString(dir.resolve("info-1.json")));
    assertThat(info.path("kind").asText()).isEqualTo("ExecCredential");
    assertThat(info.path("apiVersion").asText()).isEqualTo("client.authentication.k8s.io/v1");
    assertThat(info.path("spec").path("interactive").asBoolean(true)).isFalse();
    JsonNode cluster = info.path("spec").path("cluster");
    assertThat(cluster.path("server").asText()).isEqualTo("https://10.0.0.1:6443");
    assertThat(cluster.path("tls-server-name").asText()).isEqualTo("api.internal");
    assertThat(new String(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()), StandardCharsets.UTF_8))
        .isEqualTo(ca.certificatePem());
    assertThat(cluster.path("config").path("audience").asText()).isEqualTo("kapi-tests");
  }

  @Test
  void clusterInfoIsOnlyGivenWhenAskedFor() throws Exception {
    output("out.json", token("t", null));
    load().credentials().authorization();

    JsonNode info = JSON.readTree(Files.readString(dir.resolve("info-1.json")));
    assertThat(info.path("spec").has("cluster")).isFalse();
  }

  @Test
  void interactiveModeFollowsTheTerminal() throws Exception {
    output("out.json", token("t", null));

    tty = false;
    assertThatThrownBy(() -> load("interactiveMode: Always").credentials().authorization())
        .isInstanceOf(CredentialsUnavailableException.class)
        .hasMessageContaining("users[u].exec plugin " + dir.resolve("bin/plugin") + " has interactiveMode Always, but standard "
            + "input is not a terminal");
    assertThat(runs()).isZero();
    load("interactiveMode: IfAvailable").credentials().authorization();
    assertThat(JSON.readTree(Files.readString(dir.resolve("info-1.json"))).path("spec").path("interactive").asBoolean()).isFalse();
    tty = true;
    load("interactiveMode: IfAvailable").credentials().authorization();
    assertThat(JSON.readTree(Files.readString(dir.resolve("info-2.json"))).path("spec").path("interactive").asBoolean()).isTrue();
    load("interactiveMode: Never").credentials().authorization();
    assertThat(JSON.readTree(Files.readString(dir.resolve("info-3.json"))).path("spec").path("interactive").asBoolean()).isFalse();
  }

  @Test
  void aCertificateFromThePluginIsPresentedAtTheNextHandshake() throws Exception {
    TestCerts.Issued one = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.ec(), "one");
    TestCerts.Issued two = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.rsa(), "two");
    output("out-1.json", JSON.createObjectNode().put("clientCertificateData", one.certificatePem())
        .put("clientKeyData", one.pkcs8()).put("expirationTimestamp", T0.plusSeconds(600).toString()));
    output("out-2.json", JSON.createObjectNode().put("clientCertificateData", two.certificatePem())
        .put("clientKeyData", two.traditional()));
    ClusterConfig c = load();
    ClientCertificate km = c.tls().clientCertificate().orElseThrow();

    assertThat(c.credentials().authorization()).isEmpty();
    String first = km.chooseEngineClientAlias(new String[] {"EC"}, null, null);
    assertThat(km.getCertificateChain(first)[0]).isEqualTo(one.certificate());
    clock.set(T0.plusSeconds(600));
    // expired: a handshake, which never waits for the plugin, presents nothing until a request has run it
    assertThat(c.credentials().authorization()).isEmpty(); // as a request does before its connection is made
    String second = km.chooseEngineClientAlias(new String[] {"RSA"}, null, null);
    assertThat(second).isNotEqualTo(first);
    assertThat(km.getCertificateChain(second)[0]).isEqualTo(two.certificate());
    assertThat(km.getPrivateKey(second).getAlgorithm()).isEqualTo("RSA");
    assertThat(km.getPrivateKey(first).getAlgorithm()).isEqualTo("EC"); // a handshake in flight keeps its pair
    assertThat(km.chooseEngineClientAlias(new String[] {"EC"}, null, null)).isNull(); // RSA key: not for EC schemes
  }

  @Test
  void badPluginOutputIsReportedLikeClientGoWithoutEchoingIt() throws Exception {
    String cfg = dir.resolve("config").toString();
    String field = cfg + ": users[u].exec plugin ";
    Object[][] cases = {
        {"{\"token\": \"leak-SECRET\"", field + "printed something that is not JSON"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"leak-SECRET\"}}",
            field + "is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"Secret\",\"status\":{\"token\":\"leak-SECRET\"}}",
            field + "returned kind Secret, not ExecCredential"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\"}", field + "didn't return a status field"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{}}",
            field + "didn't return a token or cert/key pair"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"clientKeyData\":\"leak-SECRET\"}}",
            field + "returned only certificate or key, not both"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"leak-SECRET\",\"expirationTimestamp\":\"tomorrow\"}}",
            field + "returned status.expirationTimestamp that is not an RFC 3339 time: tomorrow"},
        {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"leak-SECRET\\r\\nX: y\"}}",
            field + "returned a status.token that holds a control character (U+000D) at position 11"},
    };
    for (Object[] c : cases) {
      Files.writeString(dir.resolve("out.json"), (String) c[0]);
      ClusterConfig config = load();
      assertThatThrownBy(() -> config.credentials().authorization())
          .isInstanceOf(CredentialsUnavailableException.class)
          .hasMessageStartingWith((String) c[1])
          .hasMessageNotContaining("leak-SECRET");
    }
  }

  @Test
  void aFailingPluginNamesItsExitCodeAndAMissingOneItsInstallHint() throws Exception {
    output("out.json", token("leak-SECRET", null));
    Files.writeString(dir.resolve("exit"), "3");
    ClusterConfig failing = load();
    assertThatThrownBy(() -> failing.credentials().authorization())
        .isInstanceOf(CredentialsUnavailableException.class)
        .hasMessage(dir.resolve("config") + ": users[u].exec plugin " + dir.resolve("bin/plugin") + " failed with exit code 3");

    Path k = dir.resolve("config2");
    Files.writeString(k, """
        clusters: [{name: c, cluster: {server: 'https://a:1'}}]
        users:
        - name: u
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kapi-no-such-plugin, installHint: "See the docs.\\n\\n  brew install kapi-plugin\\n"}
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    ClusterConfig missing = new ConfigLoader(Map.of("PATH", dir.resolve("bin").toString()), dir).load(ConfigFlags.builder().kubeconfig(k).build());
    assertThatThrownBy(() -> missing.credentials().authorization())
        .hasMessageContaining("users[u].exec plugin kapi-no-such-plugin executable kapi-no-such-plugin not found on PATH")
        .hasMessageContaining(". It looks like you are trying to use a client-go credential plugin that is not installed.")
        .hasMessageEndingWith("See the docs. brew install kapi-plugin")
        .satisfies(e -> assertThat(e.getMessage()).hasLineCount(1)); // the CLI prints the first line of an error
  }

  @Test
  void aBareCommandIsFoundOnThePathOfTheLoadingEnvironment() throws Exception {
    output("out.json", token("from-path", null));
    Path k = dir.resolve("config3");
    Files.writeString(k, """
        clusters: [{name: c, cluster: {server: 'https://a:1'}}]
        users:
        - name: u
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: plugin, interactiveMode: Never, env: [{name: D, value: "%s"}]}
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """.formatted(dir));
    ClusterConfig c = new ConfigLoader(Map.of("PATH", "/nonexistent:" + dir.resolve("bin") + ":" + System.getenv("PATH")), dir)
        .load(ConfigFlags.builder().kubeconfig(k).build());

    assertThat(c.credentials().authorization()).contains("Bearer from-path");
  }

  @Test
  void concurrentCallersShareOneRun() throws Exception {
    output("out.json", token("shared", null));
    ClusterConfig c = load();
    Thread[] threads = new Thread[8];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> c.credentials().authorization());
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(runs()).isEqualTo(1);
  }
}
