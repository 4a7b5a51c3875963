package bench;

import dev.kapi.testing.ApiServer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the test control plane (etcd + kube-apiserver) and writes a token kubeconfig for the clients; runs until killed. */
public final class ApiServerLauncher {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (ApiServer api = ApiServer.start(dir)) {
      Files.writeString(dir.resolve("bench.kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters:
          - name: bench
            cluster: {server: %s, certificate-authority: %s}
          users:
          - name: bench
            user: {token: %s}
          contexts:
          - name: bench
            context: {cluster: bench, user: bench, namespace: default}
          current-context: bench
          """.formatted(api.url(), api.caFile(), api.adminToken()));
      Files.writeString(dir.resolve("ready"), api.url().toString());
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
