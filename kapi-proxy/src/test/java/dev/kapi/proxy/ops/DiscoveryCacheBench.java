package dev.kapi.proxy.ops;

import dev.kapi.testing.ApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * bench/discovery-cache.sh: N kubectl runs (each with an empty cache directory, like N fresh containers or CI
 * steps) through the proxy with and without {@code --cache-discovery}, against a real API server; prints the
 * requests clients made and the requests that reached the API server, from the proxy's own metrics.
 */
public final class DiscoveryCacheBench {

  private DiscoveryCacheBench() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Path work = Files.createTempDirectory("kapi-discovery-bench");
    try (ApiServer api = ApiServer.start(work.resolve("apiserver"))) {
      api.createNamespace("bench");
      System.out.println("| workload | runs | client requests | upstream, no cache | upstream, --cache-discovery | saved "
          + "| cached runs took |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
      for (List<String> workload : List.of(List.of("api-resources"), List.of("get", "configmaps", "-n", "bench"),
          List.of("get", "--raw", "/api"))) {
        KubectlDiscovery.Result plain = KubectlDiscovery.measure(api, false, runs, workload, work);
        long start = System.nanoTime();
        KubectlDiscovery.Result cached = KubectlDiscovery.measure(api, true, runs, workload, work);
        double took = (System.nanoTime() - start) / 1e9;
        if (!plain.lastOutput().equals(cached.lastOutput())) {
          throw new IllegalStateException("outputs differ for " + workload);
        }
        double saved = plain.upstreamRequests() - cached.upstreamRequests();
        System.out.printf("| `kubectl %s` | %d | %.0f | %.0f | %.0f | %.0f (%.0f %%) | %.1f s |%n",
            String.join(" ", workload), runs, plain.clientRequests(), plain.upstreamRequests(),
            cached.upstreamRequests(), saved, 100 * saved / plain.upstreamRequests(), took);
      }
    }
  }
}
