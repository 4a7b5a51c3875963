package dev.kapi.proxy.ops;

import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.testsupport.PrometheusText;
import dev.kapi.testing.ApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs kubectl through a proxy, each run with an empty discovery cache directory (a fresh container, a CI
 * step), and counts what reached the API server, from the proxy's own metrics.
 */
final class KubectlDiscovery {

  /** What {@code runs} kubectl invocations cost. */
  record Result(int runs, List<String> command, double clientRequests, double upstreamRequests,
      double cacheHits, String lastOutput) {
  }

  private KubectlDiscovery() {
  }

  static Result measure(ApiServer api, boolean cache, int runs, List<String> kubectlArgs, Path work) {
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none().withDiscoveryCache(cache))) {
      String out = "";
      List<String> cmd = new ArrayList<>(List.of("kubectl", "--server", "http://127.0.0.1:" + proxy.server.port()));
      cmd.addAll(kubectlArgs);
      for (int i = 0; i < runs; i++) {
        Path cacheDir = Files.createTempDirectory(work, "kubectl-cache-");
        List<String> run = new ArrayList<>(cmd);
        run.add("--cache-dir=" + cacheDir);
        out = kubectl(run, work);
      }
      PrometheusText m = proxy.metrics();
      return new Result(runs, cmd, m.sum("kapi_proxy_requests_total", Map.of()),
          m.value("kapi_proxy_upstream_requests_total", Map.of()),
          m.sum("kapi_proxy_discovery_cache_requests_total", Map.of("result", "hit"))
              + m.sum("kapi_proxy_discovery_cache_requests_total", Map.of("result", "coalesced")), out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String kubectl(List<String> command, Path work) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("KUBECONFIG", work.resolve("no-kubeconfig").toString());
      pb.environment().put("HOME", work.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
