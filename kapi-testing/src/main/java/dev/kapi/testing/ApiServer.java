package dev.kapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Kubernetes control plane with no nodes: etcd plus kube-apiserver on free loopback ports, as envtest
 * runs it for Go operators. Serving certificate for 127.0.0.1, ::1, localhost and the {@code kubernetes}
 * Service names; service-account token signing (TokenRequest works); RBAC; an admin client certificate.
 *
 * <p>Use {@link ApiServerExtension} in tests (one per test JVM) or {@link #start(Path)} directly.
 */
public final class ApiServer implements AutoCloseable {

  public static final List<String> SERVING_DNS = List.of("localhost", "kubernetes", "kubernetes.default",
      "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");
  public static final List<String> SERVING_IPS = List.of("127.0.0.1", "::1");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final EnvtestBinaries binaries;
  private final Path workDir;
  private final TestPki pki;
  private final TestPki.Issued admin;
  private final String adminToken;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int port;
  private final AdminClient adminClient;
  private final AtomicInteger podViews = new AtomicInteger();
  private ManagedProcess etcd;
  private ManagedProcess apiserver;

  private ApiServer(EnvtestBinaries binaries, Path workDir) {
    this.binaries = binaries;
    this.workDir = workDir;
    this.pki = TestPki.create("kapi-test-ca");
    this.admin = pki.client("kapi-admin", "system:masters");
    this.adminToken = randomToken();
    this.etcdPort = freePort();
    this.etcdPeerPort = freePort();
    this.port = freePort();
    this.adminClient = new AdminClient(url(), pki.ca().certificate(), admin);
  }

  /**
   * Starts etcd and kube-apiserver with files under {@code workDir}; blocks until the API server is ready.
   *
   * <p>The ports are free when chosen, but another process (any outgoing connection's ephemeral port) can take one
   * before etcd or the API server binds it; that start is retried on new ports, up to three times in all.
   */
  public static ApiServer start(EnvtestBinaries binaries, Path workDir) {
    for (int attempt = 1; ; attempt++) {
      ApiServer s = new ApiServer(binaries, workDir);
      try {
        s.writeFiles();
        s.startEtcd();
        s.startApiServer();
        return s;
      } catch (PortTaken e) {
        s.close();
        if (attempt == 3) {
          throw e;
        }
        deleteEtcdData(workDir); // etcd keeps its member's peer URL there
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }
  }

  private static void deleteEtcdData(Path workDir) {
    Path data = workDir.resolve("etcd-data");
    try {
      if (Files.exists(data)) {
        PodView.deleteTree(data);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** etcd or kube-apiserver exited at start because its port had been taken since it was chosen. */
  static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }

  private static IllegalStateException exitedAtStart(ManagedProcess process, String name) {
    String tail = process.tail(20);
    String message = name + " exited at start; log " + process.log() + ":\n" + tail;
    return tail.contains("address already in use") ? new PortTaken(message) : new IllegalStateException(message);
  }

  public static ApiServer start(Path workDir) {
    EnvtestBinaries b = EnvtestBinaries.find(System.getenv())
        .orElseThrow(() -> new IllegalStateException(EnvtestBinaries.howToGet()));
    return start(b, workDir);
  }

  // ---- where it is and how to trust it

  public URI url() {
    return URI.create("https://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public Path workDir() {
    return workDir;
  }

  /**
   * etcd's client URL (plain HTTP on loopback). Its gRPC gateway takes JSON ({@code /v3/kv/range},
   * {@code /v3/kv/compaction}, ...), so a test can do what the API server's compactor does and expire old
   * resourceVersions. etcd is shared by every test in the JVM: compact only what no other test still needs.
   */
  public URI etcdUrl() {
    return URI.create("http://127.0.0.1:" + etcdPort);
  }

  public Path caFile() {
    return workDir.resolve("pki/ca.crt");
  }

  public String caPem() {
    return pki.ca().certificatePem();
  }

  public TestPki pki() {
    return pki;
  }

  /** The admin client certificate (user {@code kapi-admin}, group {@code system:masters}). */
  public TestPki.Issued adminCertificate() {
    return admin;
  }

  /** A static bearer token for {@code kapi-admin} (from --token-auth-file), for tools that want a token. */
  public String adminToken() {
    return adminToken;
  }

  /** A kubeconfig for the admin, client certificate inline; kubectl accepts it. */
  public Path adminKubeconfig() {
    return workDir.resolve("admin.kubeconfig");
  }

  public AdminClient admin() {
    return adminClient;
  }

  public Path etcdLog() {
    return etcd.log();
  }

  public Path apiserverLog() {
    return apiserver.log();
  }

  // ---- fixtures

  public void createNamespace(String ns) {
    adminClient.ensure("/api/v1/namespaces", AdminClient.object("v1", "Namespace", null, ns));
  }

  /** A new namespace with a unique name, created. */
  public String uniqueNamespace(String prefix) {
    String ns = (prefix + "-" + HexFormat.of().formatHex(randomBytes(3))).toLowerCase();
    createNamespace(ns);
    return ns;
  }

  public void createServiceAccount(String ns, String name) {
    adminClient.ensure("/api/v1/namespaces/" + ns + "/serviceaccounts", AdminClient.object("v1", "ServiceAccount", ns, name));
  }

  /** A rule for {@link #createRole}: apiGroups, resources, verbs. */
  public record Rule(List<String> apiGroups, List<String> resources, List<String> verbs) {
    public static Rule of(String apiGroup, List<String> resources, String... verbs) {
      return new Rule(List.of(apiGroup), resources, List.of(verbs));
    }
  }

  public void createRole(String ns, String name, List<Rule> rules) {
    ObjectNode role = AdminClient.object("rbac.authorization.k8s.io/v1", "Role", ns, name);
    ArrayNode rs = role.putArray("rules");
    for (Rule r : rules) {
      ObjectNode o = rs.addObject();
      r.apiGroups().forEach(o.putArray("apiGroups")::add);
      r.resources().forEach(o.putArray("resources")::add);
      r.verbs().forEach(o.putArray("verbs")::add);
    }
    adminClient.ensure("/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles", role);
  }

  public void bindRole(String ns, String role, String serviceAccount) {
    ObjectNode b = AdminClient.object("rbac.authorization.k8s.io/v1", "RoleBinding", ns, role + "-" + serviceAccount);
    ObjectNode ref = b.putObject("roleRef");
    ref.put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", role);
    b.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", serviceAccount).put("namespace", ns);
    adminClient.ensure("/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings", b);
  }

  /** Binds a ClusterRole (e.g. {@code view}, {@code edit}, {@code cluster-admin}) to a ServiceAccount cluster-wide. */
  public void bindClusterRole(String clusterRole, String ns, String serviceAccount) {
    ObjectNode b = AdminClient.object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null,
        clusterRole + "-" + ns + "-" + serviceAccount);
    b.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", clusterRole);
    b.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", serviceAccount).put("namespace", ns);
    adminClient.ensure("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", b);
  }

  /** Creates an (empty) Secret and returns its uid, for binding tokens to it. */
  public String createSecret(String ns, String name) {
    adminClient.ensure("/api/v1/namespaces/" + ns + "/secrets", AdminClient.object("v1", "Secret", ns, name));
    return adminClient.get("/api/v1/namespaces/" + ns + "/secrets/" + name).path("metadata").path("uid").asText();
  }

  public void deleteSecret(String ns, String name) {
    adminClient.delete("/api/v1/namespaces/" + ns + "/secrets/" + name);
  }

  /** Mints a token for a ServiceAccount via the TokenRequest API. */
  public String mintToken(String ns, String serviceAccount, Duration lifetime) {
    return mintToken(ns, serviceAccount, lifetime, null);
  }

  /**
   * Mints a token bound to a Secret: deleting the Secret revokes the token (the API server caches successful
   * checks for about 10 s, so a revoked token may still pass for that long).
   */
  public String mintToken(String ns, String serviceAccount, Duration lifetime, String boundSecret) {
    ObjectNode tr = AdminClient.object("authentication.k8s.io/v1", "TokenRequest", ns, serviceAccount);
    ObjectNode spec = tr.putObject("spec");
    spec.put("expirationSeconds", Math.max(600, lifetime.toSeconds()));
    if (boundSecret != null) {
      String uid = adminClient.get("/api/v1/namespaces/" + ns + "/secrets/" + boundSecret).path("metadata").path("uid").asText();
      spec.putObject("boundObjectRef").put("apiVersion", "v1").put("kind", "Secret").put("name", boundSecret).put("uid", uid);
    }
    JsonNode r = adminClient.post("/api/v1/namespaces/" + ns + "/serviceaccounts/" + serviceAccount + "/token", tr);
    return r.path("status").path("token").asText();
  }

  /** Namespace + ServiceAccount + a token for it, laid out as the Pod's service-account volume. */
  /**
   * Watches of {@code resource} (core group, any scope: a watch by name counts as "resource" scope) the API server
   * is serving now, from its own {@code apiserver_longrunning_requests} gauge: what a proxy in front of it really
   * holds open. The API server's own informers count too, so compare against a reading taken before.
   */
  public int watchesServed(String resource) {
    String metrics = admin().send("GET", "/metrics", null, null).body();
    int n = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("apiserver_longrunning_requests{") && line.contains("group=\"\"")
          && line.contains("resource=\"" + resource + "\"") && line.contains("verb=\"WATCH\"")) {
        n += (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return n;
  }

  /** A Role with {@code rules} in {@code ns}, bound to the service account: what a Pod's RBAC would grant it. */
  public void grant(String ns, String serviceAccount, List<Rule> rules) {
    createRole(ns, serviceAccount + "-role", rules);
    bindRole(ns, serviceAccount + "-role", serviceAccount);
  }

  public PodView podView(String ns, String serviceAccount) {
    return podView(ns, serviceAccount, null);
  }

  /**
   * As {@link #podView(String, String)}, with the first token bound to Secret {@code boundSecret} (created
   * here), so deleting that Secret revokes it: a rotation whose old token really stops working.
   */
  public PodView podView(String ns, String serviceAccount, String boundSecret) {
    createNamespace(ns);
    createServiceAccount(ns, serviceAccount);
    if (boundSecret != null) {
      createSecret(ns, boundSecret);
    }
    String token = mintToken(ns, serviceAccount, Duration.ofHours(1), boundSecret);
    Path dir = workDir.resolve("podviews/" + ns + "-" + serviceAccount + "-" + podViews.incrementAndGet());
    return new PodView(dir, "127.0.0.1", port, token, caPem(), ns);
  }

  // ---- lifecycle, including faults for tests

  public boolean isApiServerRunning() {
    return apiserver != null && apiserver.isAlive();
  }

  /** Stops kube-apiserver cleanly; etcd keeps the data. */
  public void stopApiServer() {
    if (apiserver != null) {
      apiserver.close();
    }
  }

  /** Kills kube-apiserver as a crash would. */
  public void killApiServer() {
    if (apiserver != null) {
      apiserver.kill();
    }
  }

  /** (Re)starts kube-apiserver on the same port against the same etcd; blocks until ready. */
  public void startApiServer() {
    List<String> args = new ArrayList<>(List.of(binaries.kubeApiserver().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1", "--secure-port=" + port,
        "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none",
        "--tls-cert-file=" + workDir.resolve("pki/apiserver.crt"),
        "--tls-private-key-file=" + workDir.resolve("pki/apiserver.key"),
        "--client-ca-file=" + caFile(),
        "--token-auth-file=" + workDir.resolve("pki/tokens.csv"),
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-account-signing-key-file=" + workDir.resolve("pki/sa.key"),
        "--service-account-key-file=" + workDir.resolve("pki/sa.pub"),
        "--authorization-mode=RBAC",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--disable-admission-plugins=ServiceAccount",
        "--allow-privileged=true",
        // many concurrent watches in load tests: the defaults (400/200) are for a shared control plane
        "--max-requests-inflight=3000", "--max-mutating-requests-inflight=1000",
        "--cert-dir=" + workDir.resolve("pki"),
        "-v=0"));
    apiserver = ManagedProcess.start("kube-apiserver", args, Map.of(), workDir.resolve("logs/kube-apiserver.log"));
    awaitReady();
  }

  @Override
  public void close() {
    if (apiserver != null) {
      apiserver.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private void writeFiles() {
    try {
      Files.createDirectories(workDir.resolve("pki"));
      Files.createDirectories(workDir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestPki.writeString(caFile(), caPem());
    pki.server("kube-apiserver", SERVING_DNS, SERVING_IPS)
        .write(workDir.resolve("pki/apiserver.crt"), workDir.resolve("pki/apiserver.key"));
    TestPki.Issued sa = new TestPki.Issued(pki.ca().certificate(), pki.newKeyPair());
    TestPki.writeString(workDir.resolve("pki/sa.key"), sa.privateKeyPem());
    TestPki.writeString(workDir.resolve("pki/sa.pub"), TestPki.pem(sa.keyPair().getPublic()));
    TestPki.writeString(workDir.resolve("pki/tokens.csv"), adminToken + ",kapi-admin-token,kapi-admin-token-uid,\"system:masters\"\n");
    TestPki.writeString(adminKubeconfig(), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: kapi-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: kapi-admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: kapi-test
          context:
            cluster: kapi-test
            user: kapi-admin
            namespace: default
        current-context: kapi-test
        """.formatted(url(), b64(caPem()), b64(admin.certificatePem()), b64(admin.privateKeyPem())));
  }

  private void startEtcd() {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    etcd = ManagedProcess.start("etcd", List.of(binaries.etcd().toString(),
        "--name=default", "--data-dir=" + workDir.resolve("etcd-data"),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=default=" + peer, "--unsafe-no-fsync=true", "--log-level=warn"),
        Map.of(), workDir.resolve("logs/etcd.log"));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (!etcd.isAlive()) {
        throw exitedAtStart(etcd, "etcd");
      }
      try {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(URI.create(client + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause();
    }
    throw new IllegalStateException("etcd not healthy within 30 s; log " + etcd.log() + ":\n" + etcd.tail(20));
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!apiserver.isAlive()) {
        throw exitedAtStart(apiserver, "kube-apiserver");
      }
      try {
        HttpResponse<String> r = adminClient.send("GET", "/readyz", null, null);
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() == 200 && adminClient.send("GET", "/api/v1/namespaces/default", null, null).statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        last = notYet.getMessage();
      }
      pause();
    }
    throw new IllegalStateException("kube-apiserver not ready within " + READY_TIMEOUT.toSeconds() + " s (last: " + last
        + "); log " + apiserver.log() + ":\n" + apiserver.tail(5));
  }

  private static void pause() {
    try {
      Thread.sleep(200); // polling a child process for readiness: there is no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String randomToken() {
    return HexFormat.of().formatHex(randomBytes(24));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The cluster's version as it reports it ({@code /version}). */
  public Optional<String> gitVersion() {
    return Optional.ofNullable(adminClient.get("/version").path("gitVersion").asText(null));
  }
}
