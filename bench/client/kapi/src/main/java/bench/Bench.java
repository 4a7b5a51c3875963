package bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import dev.kapi.client.ListOptions;
import dev.kapi.client.Resources;
import dev.kapi.client.Watch;
import dev.kapi.client.WatchEvent;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** kapi-client: the same tasks as the other clients' Bench. Args: MODE KUBECONFIG NAMESPACE ITERATIONS [h2]. */
public final class Bench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    var config = args[1].equals("in-cluster") // KUBERNETES_SERVICE_HOST/PORT and the service-account files
        ? ConfigLoader.fromEnvironment().load(ConfigFlags.none())
        : ConfigLoader.fromEnvironment().load(ConfigFlags.builder().kubeconfig(Path.of(args[1])).build());
    String opts = args.length > 4 ? args[4] : "";
    HttpClient.Version version = opts.contains("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    try (KubeClient kube = KubeClient.builder(config).httpVersion(version).compression(!opts.contains("nogzip")).build()) {
      switch (mode) {
        case "first" -> System.out.println("first " + kube.get("/api/v1/namespaces/default").at("/metadata/name").asText());
        case "seed" -> seed(kube, args[2], Integer.parseInt(args[3]));
        case "list" -> list(kube.resources("configmaps").inNamespace(args[2]), Integer.parseInt(args[3]));
        case "watch" -> watch(kube.resources("configmaps").inNamespace(args[2]), Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException(mode);
      }
    }
  }

  static void seed(KubeClient kube, String ns, int n) throws Exception {
    try {
      kube.resources("namespaces").create("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}");
    } catch (KubeApiException.AlreadyExists e) {
      // seeded before
    }
    Resources cms = kube.resources("configmaps").inNamespace(ns);
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r);
      t.setDaemon(true); // a failed seed must end the JVM, not leave run.sh waiting on it
      return t;
    });
    List<Future<?>> fs = new java.util.ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      fs.add(pool.submit(() -> {
        for (int i = writer; i < n; i += 4) {
          ObjectNode cm = kube.json().createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
          cm.putObject("metadata").put("name", String.format("cm-%05d", i)).putObject("labels").put("app", "bench");
          cm.putObject("data").put("payload", "x".repeat(256)).put("index", Integer.toString(i));
          for (int attempt = 0; ; attempt++) {
            try {
              cms.create(cm);
              break;
            } catch (KubeApiException.AlreadyExists e) {
              break; // seeded before, or an earlier attempt that failed on the wire did land
            } catch (dev.kapi.client.KubeException e) {
              if (attempt == 3) {
                throw e;
              }
            }
          }
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    System.out.println("seeded " + cms.list().count());
  }

  static void list(Resources cms, int iterations) {
    long[] ms = new long[iterations];
    int n = 0;
    for (int i = -5; i < iterations; i++) {
      long t = System.nanoTime();
      List<ObjectNode> items = cms.list(ListOptions.all().withLimit(0)).toList();
      n = items.size();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t) / 1_000;
      }
    }
    Arrays.sort(ms);
    System.out.println("list objects=" + n + " median_us=" + ms[iterations / 2]);
  }

  static void watch(Resources cms, int iterations) {
    long[] perSecond = new long[iterations];
    int expected = (int) cms.list(ListOptions.all().withLimit(0)).count();
    for (int i = -2; i < iterations; i++) {
      long t = System.nanoTime();
      int seen = 0;
      try (Watch w = cms.watch(ListOptions.all().withResourceVersion("0"))) {
        while (seen < expected && w.hasNext()) {
          WatchEvent e = w.next();
          if (e.object().at("/metadata/name").asText().startsWith("cm-")) {
            seen++;
          }
        }
      }
      if (i >= 0) {
        perSecond[i] = seen * 1_000_000_000L / (System.nanoTime() - t);
      }
    }
    Arrays.sort(perSecond);
    System.out.println("watch events=" + expected + " median_per_s=" + perSecond[iterations / 2]);
  }
}
