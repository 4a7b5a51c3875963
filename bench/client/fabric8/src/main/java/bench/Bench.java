package bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** fabric8 kubernetes-client (default HTTP client): the same tasks. Args: MODE KUBECONFIG NAMESPACE ITERATIONS. */
public final class Bench {
  public static void main(String[] args) throws Exception {
    Config config = Config.fromKubeconfig(null, Files.readString(Path.of(args[1])), args[1]);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      switch (args[0]) {
        case "first" -> System.out.println("first " + client.namespaces().withName("default").get().getMetadata().getName());
        case "list" -> list(client, args[2], Integer.parseInt(args[3]));
        case "watch" -> watch(client, args[2], Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  static void list(KubernetesClient client, String ns, int iterations) {
    long[] us = new long[iterations];
    int n = 0;
    for (int i = -5; i < iterations; i++) {
      long t = System.nanoTime();
      List<ConfigMap> items = client.configMaps().inNamespace(ns).list().getItems();
      n = items.size();
      if (i >= 0) {
        us[i] = (System.nanoTime() - t) / 1_000;
      }
    }
    Arrays.sort(us);
    System.out.println("list objects=" + n + " median_us=" + us[iterations / 2]);
  }

  static void watch(KubernetesClient client, String ns, int iterations) throws Exception {
    int expected = (int) client.configMaps().inNamespace(ns).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("cm-")).count();
    long[] perSecond = new long[iterations];
    for (int i = -2; i < iterations; i++) {
      CountDownLatch latch = new CountDownLatch(expected);
      long t = System.nanoTime();
      Watch w = client.configMaps().inNamespace(ns).watch(new ListOptionsBuilder().withResourceVersion("0").build(), new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap cm) {
          if (cm.getMetadata().getName().startsWith("cm-")) {
            latch.countDown();
          }
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      });
      if (!latch.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("watch incomplete");
      }
      long elapsed = System.nanoTime() - t;
      w.close();
      if (i >= 0) {
        perSecond[i] = expected * 1_000_000_000L / elapsed;
      }
    }
    Arrays.sort(perSecond);
    System.out.println("watch events=" + expected + " median_per_s=" + perSecond[iterations / 2]);
  }
}
