package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kapi proxy} as a process: SIGTERM during a watch and during a large list, the access log, {@code -v}'s
 * request log and {@code --request-timeout}, the start-up line.
 */
@ExtendWith(ApiServerExtension.class)
class ProxySignalsProcessTest {

  static final ObjectMapper JSON = new ObjectMapper();

  record Running(Process process, int port, int adminPort, Path out, Path err) implements AutoCloseable {
    String stdout() throws IOException {
      return Files.readString(out);
    }

    String stderr() throws IOException {
      return Files.readString(err);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  static Running start(ApiServer api, Path dir, String... extra) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, api.adminToken());
    List<String> args = new ArrayList<>(List.of("--server=" + api.url(), "--certificate-authority=" + api.caFile(),
        "--token-file=" + token));
    args.addAll(List.of(extra));
    return startWith(dir, args);
  }

  /** {@code kapi proxy} on free ports with {@code args}, once it says it serves. */
  static Running startWith(Path dir, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.kapi.cli.Main", "proxy", "--port=0",
        "--admin-address=127.0.0.1:0"));
    cmd.addAll(args);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Starting to serve on")
        || !p.isAlive());
    Matcher serving = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(out));
    Matcher admin = Pattern.compile("admin 127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(err));
    if (!serving.find() || !admin.find()) {
      p.destroyForcibly();
      throw new AssertionError("proxy did not start: " + Files.readString(out) + Files.readString(err));
    }
    return new Running(p, Integer.parseInt(serving.group(1)), Integer.parseInt(admin.group(1)), out, err);
  }

  static Socket get(int port, String path, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port));
    s.setSoTimeout(30_000);
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: signals-test\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  static String head(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed in the head: " + b);
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** A chunked body: its bytes, and whether the terminating chunk came (a clean end). */
  record Body(byte[] bytes, boolean clean) {
  }

  static Body chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = line(in);
      if (line == null) {
        return new Body(body.toByteArray(), false);
      }
      int size = Integer.parseInt(line.strip(), 16);
      if (size == 0) {
        return new Body(body.toByteArray(), line(in) != null);
      }
      byte[] data = in.readNBytes(size);
      body.write(data);
      if (data.length < size || line(in) == null) {
        return new Body(body.toByteArray(), false);
      }
    }
  }

  static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return s.toString().strip();
      }
      s.append((char) c);
    }
    return null;
  }

  @Test
  void sigtermDuringAnOpenWatchEndsItWithACleanEndOfStreamAndExitsZero(ApiServer api, @TempDir Path dir)
      throws Exception {
    String ns = api.uniqueNamespace("sigwatch");
    for (int i = 0; i < 3; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
          "metadata", Map.of("name", "cm-" + i)));
    }
    try (Running proxy = start(api, dir, "--access-log");
         Socket watch = get(proxy.port(), "/api/v1/namespaces/" + ns + "/configmaps?watch=true&access_token=s3cr3t", 0)) {
      InputStream in = watch.getInputStream();
      assertThat(head(in)).startsWith("HTTP/1.1 200").contains("Transfer-Encoding: chunked");
      proxy.process().destroy(); // SIGTERM

      Body body = chunked(in);
      assertThat(body.clean()).as("the terminating chunk, not a cut connection").isTrue();
      String[] events = new String(body.bytes(), StandardCharsets.UTF_8).split("\n");
      assertThat(events).hasSize(3);
      for (String e : events) {
        assertThat(JSON.readTree(e).get("type").asText()).isEqualTo("ADDED");
      }
      assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.process().exitValue()).isZero();
      assertThat(proxy.stderr()).contains("SIGTERM: draining connections (up to 10s)").contains("shut down in")
          .doesNotContain(api.adminToken());

      List<String> log = proxy.stdout().lines().filter(l -> l.startsWith("{")).toList();
      assertThat(log).hasSize(1);
      JsonNode line = JSON.readTree(log.get(0));
      assertThat(line.get("verb").asText()).isEqualTo("watch");
      assertThat(line.get("namespace").asText()).isEqualTo(ns);
      assertThat(line.get("status").asInt()).isEqualTo(200);
      assertThat(line.get("outcome").asText()).isEqualTo("completed");
      assertThat(line.get("userAgent").asText()).isEqualTo("signals-test");
      assertThat(line.get("path").asText()).endsWith("access_token=REDACTED");
      assertThat(proxy.stdout()).doesNotContain("s3cr3t").doesNotContain(api.adminToken());
    }
  }

  @Test
  void anExecPluginStillRunningAtSigtermDoesNotOutliveTheProxy(ApiServer api, @TempDir Path dir) throws Exception {
    // a plugin that hangs (a login waiting for a browser, a stuck cloud CLI): started for the proxy, gone with it
    Path pidFile = dir.resolve("plugin.pid");
    Path plugin = dir.resolve("plugin.sh");
    Files.writeString(plugin, "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 600\n");
    Files.setPosixFilePermissions(plugin, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "%s", certificate-authority: "%s"}
        users:
        - name: u
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: "%s", interactiveMode: Never}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """.formatted(api.url(), api.caFile(), plugin));
    try (Running proxy = startWith(dir, List.of("--kubeconfig=" + kubeconfig))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(status(proxy.port(), "/api")).as("no credential yet: 503, and no stall").isEqualTo(503);
      proxy.process().destroy(); // SIGTERM
      assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.process().exitValue()).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }
  }

  @Test
  void sigtermDuringALargeListLetsItCompleteIntactThenExitsZero(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = api.uniqueNamespace("siglist");
    String data = "y".repeat(4000);
    int count = 600;
    for (int i = 0; i < count; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", Map.of("apiVersion", "v1", "kind", "ConfigMap",
          "metadata", Map.of("name", "cm-" + i), "data", Map.of("d", data)));
    }
    try (Running proxy = start(api, dir, "--shutdown-grace=20s");
         Socket list = get(proxy.port(), "/api/v1/namespaces/" + ns + "/configmaps", 4096)) {
      InputStream in = list.getInputStream();
      String head = head(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      byte[] start = in.readNBytes(1000); // under way; the rest waits in the proxy and the API server
      proxy.process().destroy(); // SIGTERM
      byte[] rest = in.readAllBytes(); // until the drained connection closes

      InputStream whole = new SequenceInputStream(new ByteArrayInputStream(start), new ByteArrayInputStream(rest));
      byte[] json = head.toLowerCase(Locale.ROOT).contains("chunked") ? chunked(whole).bytes() : whole.readAllBytes();
      JsonNode items = JSON.readTree(json).get("items");
      assertThat(items.size()).isEqualTo(count);
      assertThat(items.get(count - 1).at("/data/d").asText()).isEqualTo(data);
      assertThat(proxy.process().waitFor(40, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.process().exitValue()).isZero();
      assertThat(proxy.stderr()).contains("0 closed at the deadline");
    }
  }

  @Test
  void verboseLogsOneLinePerRequestAndRequestTimeoutZeroWaitsForeverEvenForCachedDiscovery(ApiServer api,
      @TempDir Path dir) throws Exception {
    try (Running proxy = start(api, dir, "-v", "--request-timeout=0", "--cache-discovery")) {
      assertThat(status(proxy.port(), "/apis/batch/v1")).isEqualTo(200); // fetched by the discovery cache
      assertThat(status(proxy.port(), "/api/v1/namespaces/default/configmaps?limit=1")).isEqualTo(200);
      assertThat(status(proxy.port(), "/api/v1/namespaces/default/pods/p/exec")).isEqualTo(403);
      assertThat(status(proxy.port(), "/api/v1/namespaces/default/configmaps?watch=1")).isEqualTo(200); // then gone
      await().atMost(Duration.ofSeconds(30)).until(() -> proxy.stderr().contains("aborted"));
      assertThat(proxy.stderr().lines().filter(l -> !l.startsWith("kapi proxy: ")).toList()).satisfiesExactly(
          l -> assertThat(l).matches("GET /apis/batch/v1 200 in [0-9.]+ ms"),
          l -> assertThat(l).matches("GET /api/v1/namespaces/default/configmaps\\?limit=1 200 in [0-9.]+ ms"),
          l -> assertThat(l).matches(
              "GET /api/v1/namespaces/default/pods/p/exec 403 in [0-9.]+ ms, stream, rejected by filter:reject-paths"),
          l -> assertThat(l).matches(
              "GET /api/v1/namespaces/default/configmaps\\?watch=1 200 after [0-9.]+ ms, stream started"),
          l -> assertThat(l).matches("GET /api/v1/namespaces/default/configmaps\\?watch=1 200 in [0-9.]+ ms, stream, "
              + "aborted: client closed the connection"));
      assertThat(proxy.stderr()).contains("request log on stderr (-v)").doesNotContain(api.adminToken());
    }
  }

  static int status(int port, String path) throws IOException {
    try (Socket s = get(port, path, 0)) {
      return Integer.parseInt(head(s.getInputStream()).split(" ")[1]);
    }
  }

  @Test
  void theStartupLineListsTheEffectiveConfigurationWithoutTheToken(ApiServer api, @TempDir Path dir)
      throws Exception {
    try (Running proxy = start(api, dir, "--max-inflight=50", "--qps=20", "--cache-discovery")) {
      String line = proxy.stderr().lines().filter(l -> l.startsWith("kapi proxy: serving on")).findFirst().orElseThrow();
      assertThat(line).contains("token file " + dir.resolve("token")).contains("max-inflight=50")
          .contains("qps=20.0 burst 20").contains("cache-discovery 10s").contains("shutdown-grace 10.0s")
          .contains("admin 127.0.0.1:" + proxy.adminPort()).doesNotContain(api.adminToken());
      // and nothing else: no JVM or SLF4J warning, no stack trace
      assertThat(proxy.stderr().lines()).as("stderr at start").allMatch(l -> l.startsWith("kapi proxy: "));
      proxy.process().destroy();
      assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.process().exitValue()).isZero();
    }
  }
}
