package bench;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;
import java.io.FileReader;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** The official Java client (io.kubernetes:client-java): the same tasks. Args: MODE KUBECONFIG NAMESPACE ITERATIONS. */
public final class Bench {
  public static void main(String[] args) throws Exception {
    ApiClient client;
    try (FileReader r = new FileReader(args[1])) {
      client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
    }
    CoreV1Api api = new CoreV1Api(client);
    switch (args[0]) {
      case "first" -> System.out.println("first " + api.readNamespace("default").execute().getMetadata().getName());
      case "list" -> list(api, args[2], Integer.parseInt(args[3]));
      case "watch" -> watch(client, api, args[2], Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    client.getHttpClient().dispatcher().executorService().shutdown();
    client.getHttpClient().connectionPool().evictAll();
  }

  static void list(CoreV1Api api, String ns, int iterations) throws Exception {
    long[] us = new long[iterations];
    int n = 0;
    for (int i = -5; i < iterations; i++) {
      long t = System.nanoTime();
      V1ConfigMapList l = api.listNamespacedConfigMap(ns).execute();
      n = l.getItems().size();
      if (i >= 0) {
        us[i] = (System.nanoTime() - t) / 1_000;
      }
    }
    Arrays.sort(us);
    System.out.println("list objects=" + n + " median_us=" + us[iterations / 2]);
  }

  static void watch(ApiClient client, CoreV1Api api, String ns, int iterations) throws Exception {
    ApiClient watching = client;
    watching.setHttpClient(client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
    CoreV1Api wapi = new CoreV1Api(watching);
    int expected = (int) api.listNamespacedConfigMap(ns).execute().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("cm-")).count();
    long[] perSecond = new long[iterations];
    for (int i = -2; i < iterations; i++) {
      long t = System.nanoTime();
      int seen = 0;
      try (Watch<V1ConfigMap> w = Watch.createWatch(watching,
          wapi.listNamespacedConfigMap(ns).watch(true).resourceVersion("0").buildCall(null),
          new TypeToken<Watch.Response<V1ConfigMap>>() { }.getType())) {
        for (Watch.Response<V1ConfigMap> e : w) {
          if (e.object.getMetadata().getName().startsWith("cm-") && ++seen == expected) {
            break;
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
