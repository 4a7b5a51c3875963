package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Python client through the proxy, as an app container would use it ({@code host =
 * "http://127.0.0.1:8001"}, no credential): create, get, list, watch, delete, the API server's 404 Status parsed,
 * and a WebSocket exec whose handshake carries the {@code Origin} this client always sends. The client comes from
 * {@code .ci/provision.d/30-python-kubernetes-client.sh}, in its own venv.
 */
@ExtendWith(ApiServerExtension.class)
class PythonClientThroughProxyTest {

  private static final List<ApiServer.Rule> RULES = List.of(
      ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch", "create", "delete"),
      ApiServer.Rule.of("", List.of("pods", "pods/exec"), "get", "create"));

  @Test
  void createsReadsWatchesDeletesAndExecsAsTheServiceAccount(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = api.uniqueNamespace("python");
    Path script = dir.resolve("through_proxy.py");
    try (InputStream in = getClass().getResourceAsStream("/python_client_through_proxy.py")) {
      Files.write(script, in.readAllBytes());
    }
    // exec let through the filter, so the handshake reaches the API server with the client's Origin
    FilterRules allowExec = FilterRules.parse(FilterRules.DEFAULT_ACCEPT_PATHS, "^/api/.*/pods/.*/attach",
        FilterRules.DEFAULT_ACCEPT_HOSTS, FilterRules.DEFAULT_REJECT_METHODS);
    try (PodProxy p = PodProxy.start(api, ns, "app", RULES, b -> b.filter(allowExec))) {
      Process py = new ProcessBuilder(python().toString(), script.toString(), "http://127.0.0.1:" + p.port(), ns)
          .redirectErrorStream(true).start();
      String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(py.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
      assertThat(py.exitValue()).as(out).isZero();
      assertThat(out.lines()).containsExactly(
          "created b",
          "listed py",
          "watched ADDED py",
          "gone 404 NotFound",
          "exec handshake 404"); // the API server's answer (no such pod), not the proxy's 403
    }
  }

  private static Path python() throws IOException {
    String venv = System.getenv("KAPI_PYTHON_PEERS");
    Path dir = venv != null ? Path.of(venv) : Path.of(System.getenv().getOrDefault("XDG_CACHE_HOME",
        System.getProperty("user.home") + "/.cache"), "kapi", "python-peers");
    Path python = dir.resolve("bin").resolve("python3");
    if (!Files.isExecutable(python)) {
      throw new AssertionError("no Python client at " + python + ": run .ci/provision.d/30-python-kubernetes-client.sh");
    }
    return python;
  }
}
