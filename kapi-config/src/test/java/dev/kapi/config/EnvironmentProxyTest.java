package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY as Go's http.ProxyFromEnvironment reads them, so as kubectl does. */
class EnvironmentProxyTest {

  private static String proxyFor(String server, String noProxy) {
    Map<String, String> env = noProxy == null ? Map.of("HTTPS_PROXY", "http://egress:3128", "HTTP_PROXY", "plain:8080")
        : Map.of("HTTPS_PROXY", "http://egress:3128", "HTTP_PROXY", "plain:8080", "NO_PROXY", noProxy);
    return EnvironmentProxy.forServer(env, URI.create(server)).map(URI::toString).orElse("direct");
  }

  @ParameterizedTest(name = "{0} with NO_PROXY={1} -> {2}")
  @CsvSource(nullValues = "-", delimiter = '|', value = {
      "https://10.96.0.1:443 | - | http://egress:3128",
      "http://10.96.0.1:8080 | - | http://plain:8080", // a bare host:port means http://, as in Go
      "https://127.0.0.1:6443 | - | direct", // loopback and localhost are never proxied
      "https://[::1]:6443 | - | direct",
      "https://localhost:6443 | - | direct",
      "https://10.96.0.1:443 | * | direct",
      "https://10.96.0.1:443 | 10.96.0.1 | direct",
      "https://10.96.0.1:443 | 10.96.0.2 | http://egress:3128",
      "https://10.96.0.1:443 | 10.96.0.0/12 | direct",
      "https://10.112.0.1:443 | 10.96.0.0/12 | http://egress:3128",
      "https://kubernetes.default.svc:443 | .svc | direct",
      "https://kubernetes.default.svc:443 | svc | direct",
      "https://kubernetes.default.svc:443 | *.default.svc | direct",
      "https://svc:443 | .svc | http://egress:3128", // a leading dot: subdomains only
      "https://api.example.com:6443 | example.com | direct",
      "https://notexample.com:6443 | example.com | http://egress:3128",
      "https://api.example.com:6443 | example.com:6443 | direct",
      "https://api.example.com:6443 | example.com:443 | http://egress:3128",
      "https://[fd00::1]:6443 | fd00::/8 | direct",
      "https://API.Example.com:6443 | ' foo , example.COM ' | direct"})
  void choosesAsGoDoes(String server, String noProxy, String expected) {
    assertThat(proxyFor(server, noProxy)).isEqualTo(expected);
  }

  @Test
  void lowerCaseVariablesCountTooAndNoVariableMeansDirect() {
    assertThat(EnvironmentProxy.forServer(Map.of("https_proxy", "http://low:1"), URI.create("https://10.0.0.1")))
        .contains(URI.create("http://low:1"));
    assertThat(EnvironmentProxy.forServer(Map.of(), URI.create("https://10.0.0.1"))).isEmpty();
  }

  @Test
  void theKubeconfigsProxyUrlWinsAndInClusterConfigUsesTheEnvironment(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        clusters:
        - {name: a, cluster: {server: 'https://10.0.0.1:6443', proxy-url: 'http://from-kubeconfig:3128'}}
        - {name: b, cluster: {server: 'https://10.0.0.2:6443'}}
        users: [{name: u, user: {}}]
        contexts: [{name: a, context: {cluster: a, user: u}}, {name: b, context: {cluster: b, user: u}}]
        current-context: a
        """);
    Map<String, String> env = Map.of("HTTPS_PROXY", "http://from-env:3128");
    ConfigLoader loader = new ConfigLoader(env, dir);
    assertThat(loader.load(ConfigFlags.builder().kubeconfig(kubeconfig).build()).proxy())
        .contains(URI.create("http://from-kubeconfig:3128"));
    assertThat(loader.load(ConfigFlags.builder().kubeconfig(kubeconfig).context("b").build()).proxy())
        .contains(URI.create("http://from-env:3128"));

    Path sa = dir.resolve("sa");
    Files.createDirectories(sa);
    Files.writeString(sa.resolve("token"), "t");
    Files.writeString(sa.resolve("ca.crt"), TestCerts.ca("cluster-ca").certificatePem());
    Map<String, String> pod = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443",
        "KAPI_SERVICEACCOUNT_DIR", sa.toString(), "HTTPS_PROXY", "http://from-env:3128", "NO_PROXY", "10.0.0.0/8");
    assertThat(new ConfigLoader(pod, dir).inCluster().proxy()).isEmpty();
  }
}
