import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.client.Informer;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import dev.kapi.client.ListOptions;
import dev.kapi.client.Resources;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigLoader;
import java.time.Duration;

/**
 * The Java counterpart of client-go's in-cluster example: inside a Pod, with the Pod's service account and no
 * configuration at all, list the Pods of its namespace every few seconds and react to changes as they happen.
 *
 * <pre>
 * java -cp "kapi-client.jar:kapi-config.jar:jackson-*.jar:..." examples/in-cluster/InClusterExample.java [ROUNDS] [SECONDS]
 * </pre>
 *
 * The service account needs get, list and watch on pods in its namespace (a Role and RoleBinding).
 */
public class InClusterExample {

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : Integer.MAX_VALUE;
    Duration every = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);

    // KUBERNETES_SERVICE_HOST/PORT + /var/run/secrets/kubernetes.io/serviceaccount: token (re-read when rotated), CA, namespace
    ClusterConfig config = ConfigLoader.fromEnvironment().inCluster();
    try (KubeClient kube = KubeClient.create(config)) {
      Resources pods = kube.resources("pods"); // in the Pod's own namespace

      // react to changes: list, then watch, into a local cache; re-lists by itself if the server's history runs out
      Informer.Handler print = new Informer.Handler() {
        @Override
        public void onAdd(ObjectNode pod) {
          System.out.println("pod added: " + pod.at("/metadata/name").asText());
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode pod) {
          System.out.println("pod updated: " + pod.at("/metadata/name").asText() + " " + pod.at("/status/phase").asText());
        }

        @Override
        public void onDelete(ObjectNode pod) {
          System.out.println("pod deleted: " + pod.at("/metadata/name").asText());
        }
      };
      try (Informer informer = pods.informer(ListOptions.all(), print, Duration.ZERO)
          .onError(e -> System.err.println("watch: " + e.getMessage())).start()) {
        for (int i = 0; i < rounds; i++) {
          long n = pods.list().count();
          System.out.printf("There are %d pods in namespace %s%n", n, config.namespace());

          // errors are types: a missing Pod is NotFound, a missing permission Forbidden
          try {
            pods.get("example-xxxxx");
            System.out.println("Found pod example-xxxxx");
          } catch (KubeApiException.NotFound e) {
            System.out.printf("Pod example-xxxxx not found in namespace %s%n", config.namespace());
          } catch (KubeApiException e) {
            System.out.printf("Error getting pod: %s%n", e.getMessage());
          }
          System.out.flush();
          Thread.sleep(every.toMillis());
        }
      }
    }
  }
}
