package dev.kapi.cli.demo;

import dev.kapi.testing.AdminClient;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.EnvtestBinaries;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The steps of {@code kapi demo}, and everything they start. Kept apart from {@link DemoCommand}: this class is the
 * only one that touches the demo's control plane (kapi-testing, BouncyCastle), which ships in {@code lib/demo} and
 * is on the class path for {@code kapi demo} alone, so that picocli can reflect on every command without it.
 */
final class DemoScenario {

  static final String NAMESPACE = DemoCommand.NAMESPACE;
  static final String SERVICE_ACCOUNT = DemoCommand.SERVICE_ACCOUNT;
  static final String ROLE = DemoCommand.ROLE;

  private final int port;
  private final boolean keep;

  private final List<AutoCloseable> started = new ArrayList<>();
  private Path workDir;

  DemoScenario(int port, boolean keep) {
    this.port = port;
    this.keep = keep;
  }

  int run(DemoConsole c) throws Exception {
    long t0 = System.nanoTime();
    Path root = Path.of(System.getProperty("kapi.root", ".")).toAbsolutePath().normalize();
    Thread cleanup = new Thread(this::stopAll, "kapi-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      steps(c, root);
      c.heading("Done in " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
      if (keep) {
        new CountDownLatch(1).await(); // until Ctrl-C; the shutdown hook stops everything
      }
      return 0;
    } finally {
      if (!keep) {
        stopAll();
        Runtime.getRuntime().removeShutdownHook(cleanup);
      }
    }
  }

  private void steps(DemoConsole c, Path root) throws Exception {
    c.heading("A real Kubernetes API server, no cluster needed");
    c.say("kube-apiserver and etcd, started locally with no nodes (as envtest does for Go operators).");
    EnvtestBinaries binaries = Provisioner.provision(root, c);
    workDir = Files.createTempDirectory("kapi-demo-");
    long s0 = System.nanoTime();
    ApiServer api = ApiServer.start(binaries, workDir);
    started.add(api);
    c.ok("kube-apiserver " + api.gitVersion().orElse("?") + " + etcd on " + api.url() + " (ready in "
        + (System.nanoTime() - s0) / 1_000_000 + " ms)");

    c.heading("The Pod's identity: namespace, ServiceAccount, Role");
    c.say("The seed's Pod runs as a ServiceAccount allowed to read Jobs and CronJobs, nothing else.");
    api.createNamespace(NAMESPACE);
    api.createServiceAccount(NAMESPACE, SERVICE_ACCOUNT);
    api.createRole(NAMESPACE, ROLE, List.of(ApiServer.Rule.of("batch", List.of("jobs", "cronjobs"), "get", "list", "watch")));
    api.bindRole(NAMESPACE, ROLE, SERVICE_ACCOUNT);
    PodView pod = api.podView(NAMESPACE, SERVICE_ACCOUNT, "token-binding-1");
    c.ok("namespace " + NAMESPACE + ", ServiceAccount " + SERVICE_ACCOUNT + ", Role " + ROLE + " (get/list/watch jobs, cronjobs)");
    c.ok("service-account volume as the kubelet lays it out: " + pod.directory());
    c.say("  token, ca.crt, namespace -> ..data/ (swapped atomically on rotation)");
    c.say("  env: " + envLine(pod.env()));

    c.heading("The ambassador: kapi proxy, started like the sidecar, with no flags");
    c.say("It finds the API server from the env and authenticates with the service-account token file,\n"
        + "so the other containers just talk to localhost.");
    int p = portOrFree(port);
    c.command("kapi proxy --port=" + p + "     # the Pod's env + " + pod.directory());
    KapiProcess proxy = KapiProcess.startProxy(pod.envWithDirectory(), List.of("--port=" + p),
        workDir.resolve("kapi-proxy.log"));
    started.add(proxy);
    String address = proxy.awaitServing(Duration.ofSeconds(60));
    c.ok("Starting to serve on " + address);
    URI base = URI.create("http://" + address);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    c.heading("main container: curl localhost:" + p + "/api");
    c.command("curl localhost:" + p + "/api");
    HttpResponse<String> r = get(http, base, "/api");
    c.response(r.statusCode(), r.body(), 40);

    c.heading("main container: curl localhost:" + p + "/apis/batch/v1");
    c.command("curl localhost:" + p + "/apis/batch/v1");
    r = get(http, base, "/apis/batch/v1");
    c.response(r.statusCode(), r.body(), 200);

    c.heading("A request the Role forbids");
    c.say("The API server decides with RBAC; its Status comes back through the proxy unchanged.");
    c.command("curl localhost:" + p + "/api/v1/namespaces/" + NAMESPACE + "/secrets");
    r = get(http, base, "/api/v1/namespaces/" + NAMESPACE + "/secrets");
    c.response(r.statusCode(), r.body(), 30);
    c.say("And kapi's own filter refuses exec before anything goes upstream, as a Status too:");
    c.command("curl localhost:" + p + "/api/v1/namespaces/" + NAMESPACE + "/pods/main/exec");
    r = get(http, base, "/api/v1/namespaces/" + NAMESPACE + "/pods/main/exec");
    c.response(r.statusCode(), r.body(), 30);

    c.heading("Token rotation, survived");
    c.say("The kubelet rotates the projected token by swapping ..data. kubectl proxy --token=\"$(cat token)\",\n"
        + "as the seed's ambassador script runs it, keeps the old token forever. kapi re-reads the file.");
    String oldToken = pod.token();
    api.createSecret(NAMESPACE, "token-binding-2");
    pod.rotateToken(api.mintToken(NAMESPACE, SERVICE_ACCOUNT, Duration.ofHours(1), "token-binding-2"));
    c.ok("new token written, ..data swapped");
    api.deleteSecret(NAMESPACE, "token-binding-1");
    c.status("old token revoked (its Secret deleted); waiting for the API server to stop accepting it (it caches ~10 s)");
    awaitRejected(api, oldToken);
    c.ok("the old token now gets HTTP 401 from the API server");
    c.command("curl localhost:" + p + "/apis/batch/v1");
    r = get(http, base, "/apis/batch/v1");
    c.response(r.statusCode(), r.body(), 6);
    if (r.statusCode() == 200) {
      c.ok("the ambassador answers with the new token: no restart, no failed request");
    }

    c.heading("Without the proxy: kapi get --raw");
    c.say("The same read straight from the Pod, with the in-cluster config (the seed's curl in one word).");
    c.command("kapi get --raw /apis/batch/v1");
    KapiProcess.Result raw = KapiProcess.run(pod.envWithDirectory(), List.of("get", "--raw", "/apis/batch/v1"));
    c.response(raw.exitCode() == 0 ? 200 : raw.exitCode(), raw.exitCode() == 0 ? raw.stdout() : raw.stderr(), 12);

    if (keep) {
      c.heading("Still running (--keep); Ctrl-C stops everything");
      c.say("API server:   " + api.url() + "\n"
          + "  kubectl --kubeconfig " + api.adminKubeconfig() + " get ns\n"
          + "Ambassador:   http://" + address + "\n"
          + "  curl localhost:" + p + "/apis/batch/v1\n"
          + "Pod view:     " + pod.directory() + "\n"
          + "  env " + envLine(pod.envWithDirectory()) + " ./kapi get --raw /api");
    }
  }

  private static HttpResponse<String> get(HttpClient http, URI base, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitRejected(ApiServer api, String token) throws Exception {
    // trust the cluster CA but present no client certificate: the bearer token alone must authenticate
    HttpClient direct = HttpClient.newBuilder().sslContext(AdminClient.sslContext(api.pki().ca().certificate(), null))
        .version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      int code = direct.send(HttpRequest.newBuilder(api.url().resolve("/api")).header("Authorization", "Bearer " + token)
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code == 401) {
        return;
      }
      Thread.sleep(500); // polling the API server's token cache: there is no event to wait on
    }
    throw new IOException("the API server still accepts the revoked token after 60 s");
  }

  private static String envLine(Map<String, String> env) {
    return env.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
        .reduce((a, b) -> a + " " + b).orElse("");
  }

  private static int portOrFree(int wanted) {
    try (ServerSocket s = new ServerSocket(wanted, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException taken) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private synchronized void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception ignored) {
        // best effort on the way out
      }
    }
    started.clear();
    if (workDir != null) {
      try (Stream<Path> s = Files.walk(workDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind is harmless
      }
    }
  }
}
