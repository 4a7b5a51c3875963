package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** In-cluster configuration against a real kube-apiserver, from what a Pod sees. */
@ExtendWith(ApiServerExtension.class)
class InClusterApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  @Test
  void inClusterConfigFromThePodViewListsTheNamespacesConfigMaps(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("incluster");
    PodView pod = api.podView(ns, "reader");
    api.createRole(ns, "configmap-reader", List.of(ApiServer.Rule.of("", List.of("configmaps"), "list")));
    api.bindRole(ns, "configmap-reader", "reader");
    api.admin().post("/api/v1/namespaces/" + ns + "/configmaps",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"},\"data\":{\"k\":\"v\"}}");

    ClusterConfig config = new ConfigLoader(pod.envWithDirectory(), home).load(ConfigFlags.none());
    KubeHttp http = new KubeHttp(config);
    HttpResponse<byte[]> list = http.get("/api/v1/namespaces/" + config.namespace() + "/configmaps");
    HttpResponse<byte[]> elsewhere = http.get("/api/v1/namespaces/default/configmaps");

    assertThat(config.source()).isEqualTo("in-cluster (" + pod.directory() + ")");
    assertThat(config.namespace()).isEqualTo(ns);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).path("items").findValuesAsText("name")).contains("settings");
    assertThat(elsewhere.statusCode()).isEqualTo(403); // it really is the service account, with only its Role
    assertThat(http.whoAmI()).startsWith("system:serviceaccount:" + ns + ":reader ");
  }

  @Test
  void theSeedsCurlLineAndKapiConfigGetByteIdenticalBodies(ApiServer api) throws Exception {
    PodView pod = api.podView(api.uniqueNamespace("curl"), "app");
    Path stderr = home.resolve("curl.err");

    // curl --cacert ${CACERT} --header "Authorization: Bearer ${TOKEN}" -X GET ${APISERVER}/api
    Process curl = new ProcessBuilder("curl", "--cacert", pod.caFile().toString(), "--header",
        "Authorization: Bearer " + Files.readString(pod.tokenFile()), "-X", "GET", api.url() + "/api")
        .redirectError(stderr.toFile()).start();
    byte[] curlBody = curl.getInputStream().readAllBytes();
    assertThat(curl.waitFor()).as("curl exit; stderr: %s", Files.readString(stderr)).isZero();

    // The API server pretty-prints JSON for user agents starting with "curl" (apiserver negotiation isPrettyPrint),
    // so byte identity needs curl's User-Agent; the config's userAgent is there for exactly that.
    Process version = new ProcessBuilder("curl", "--version").start();
    String curlAgent = "curl/" + new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
    version.waitFor();
    ClusterConfig config = InClusterConfig.load(pod.envWithDirectory());
    HttpResponse<byte[]> asCurl = new KubeHttp(config.toBuilder().userAgent(curlAgent).build()).get("/api");
    HttpResponse<byte[]> asKapi = new KubeHttp(config).get("/api");

    assertThat(new String(curlBody, StandardCharsets.UTF_8)).contains("\"kind\": \"APIVersions\"");
    assertThat(asCurl.statusCode()).isEqualTo(200);
    assertThat(asCurl.body()).isEqualTo(curlBody);
    assertThat(JSON.readTree(asKapi.body())).isEqualTo(JSON.readTree(curlBody)); // same document, compact form
  }
}
