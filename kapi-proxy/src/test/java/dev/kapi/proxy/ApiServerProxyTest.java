package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The proxy in front of a real kube-apiserver, configured only from a Pod's service-account files and env. */
@ExtendWith(ApiServerExtension.class)
class ApiServerProxyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<ApiServer.Rule> CONFIGMAPS = List.of(
      ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch", "create", "update", "patch", "delete"));

  private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void discoveryComesBackAsTheApiServerWroteIt(ApiServer api) throws Exception {
    try (PodProxy p = PodProxy.start(api, api.uniqueNamespace("disc"), "app", CONFIGMAPS, b -> { })) {
      for (String path : List.of("/api", "/apis/batch/v1", "/version")) {
        HttpResponse<byte[]> viaProxy = p.get(path);
        HttpResponse<byte[]> direct = p.direct(path);
        assertThat(viaProxy.statusCode()).as(path).isEqualTo(200);
        assertThat(new String(viaProxy.body(), StandardCharsets.UTF_8)).as(path)
            .isEqualTo(new String(direct.body(), StandardCharsets.UTF_8));
        assertThat(viaProxy.headers().firstValue("Content-Type")).isEqualTo(direct.headers().firstValue("Content-Type"));
        assertThat(viaProxy.headers().firstValue("Audit-Id")).as("the API server's own headers pass").isPresent();
      }
      assertThat(json(p.get("/apis/batch/v1")).path("kind").asText()).isEqualTo("APIResourceList");
    }
  }

  @Test
  void anRbacRefusalIsTheApiServersStatusByteForByte(ApiServer api) {
    String ns = api.uniqueNamespace("rbac");
    try (PodProxy p = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> { })) {
      String path = "/api/v1/namespaces/" + ns + "/secrets";
      HttpResponse<byte[]> viaProxy = p.get(path);
      HttpResponse<byte[]> direct = p.direct(path);
      assertThat(viaProxy.statusCode()).isEqualTo(403);
      assertThat(viaProxy.body()).isEqualTo(direct.body());
      assertThat(new String(viaProxy.body(), StandardCharsets.UTF_8))
          .contains("system:serviceaccount:" + ns + ":app").contains("cannot list resource \\\"secrets\\\"");
    }
  }

  @Test
  void theFilterRefusesExecWithAStatusNamingTheRule(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("filter");
    try (PodProxy p = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> { })) {
      HttpResponse<byte[]> r = p.send("POST", "/api/v1/namespaces/" + ns + "/pods/web/exec?command=sh", null, null);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode s = json(r);
      assertThat(s.path("kind").asText()).isEqualTo("Status");
      assertThat(s.path("reason").asText()).isEqualTo("Forbidden");
      assertThat(s.path("code").asInt()).isEqualTo(403);
      assertThat(s.path("message").asText()).isEqualTo("kapi proxy refused POST /api/v1/namespaces/" + ns
          + "/pods/web/exec: path \"/api/v1/namespaces/" + ns + "/pods/web/exec\" matches --reject-paths rule "
          + "\"^/api/.*/pods/.*/exec\"");
    }
  }

  @Test
  void encodedAndDotSegmentFormsOfExecAreRefusedOrCaught(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("canon");
    try (PodProxy p = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> { })) {
      String base = "/api/v1/namespaces/" + ns + "/pods/web/";
      assertThat(RawHttp.get(p.port(), base + "%65xec?command=sh", "localhost").code()).isEqualTo(403);
      assertThat(RawHttp.get(p.port(), base + "exec/?command=sh", "localhost").code()).isEqualTo(403);
      assertThat(RawHttp.get(p.port(), "/api/v1/namespaces/" + ns + "/pods/x/../web/exec", "localhost").code())
          .isEqualTo(400);
      assertThat(RawHttp.get(p.port(), "/api/v1/namespaces/" + ns + "/pods/web%2Fexec", "localhost").code())
          .isEqualTo(400);
      RawHttp.Response bad = RawHttp.get(p.port(), "//api/v1/namespaces", "localhost");
      assertThat(bad.code()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).path("reason").asText()).isEqualTo("BadRequest");
    }
  }

  @Test
  void acceptsTheIpv6LoopbackHostWithAPort(ApiServer api) {
    try (PodProxy p = PodProxy.start(api, api.uniqueNamespace("v6"), "app", CONFIGMAPS, b -> { })) {
      assertThat(RawHttp.get(p.port(), "/api", "[::1]:" + p.port()).code()).isEqualTo(200);
      assertThat(RawHttp.get(p.port(), "/api", "localhost.evil.com:" + p.port()).code()).isEqualTo(403);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void createsReadsAndDeletesThroughTheProxy(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("crud");
    try (PodProxy p = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> { })) {
      String cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"},"
          + "\"data\":{\"colour\":\"blue\"}}";
      HttpResponse<byte[]> created = p.send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json", cm);
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(json(p.get("/api/v1/namespaces/" + ns + "/configmaps/settings")).path("data").path("colour").asText())
          .isEqualTo("blue");
      HttpResponse<byte[]> conflict = p.send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json", cm);
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(json(conflict).path("reason").asText()).isEqualTo("AlreadyExists");
      assertThat(p.send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/settings", null, null).statusCode())
          .isEqualTo(200);
      assertThat(p.get("/api/v1/namespaces/" + ns + "/configmaps/settings").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aLargeListStreamsThroughIntact(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("big");
    String filler = "x".repeat(1000);
    for (int i = 0; i < 2000; i++) {
      api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree("{\"apiVersion\":\"v1\","
          + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i + "\"},\"data\":{\"filler\":\"" + filler + "\"}}"));
    }
    try (PodProxy p = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> { })) {
      String rv = json(p.get("/api/v1/namespaces/" + ns + "/configmaps?limit=1")).path("metadata")
          .path("resourceVersion").asText();
      String path = "/api/v1/namespaces/" + ns + "/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
      HttpResponse<byte[]> viaProxy = p.get(path);
      HttpResponse<byte[]> direct = p.direct(path);
      assertThat(viaProxy.statusCode()).isEqualTo(200);
      assertThat(viaProxy.body().length).isGreaterThan(2_000_000);
      assertThat(viaProxy.body()).isEqualTo(direct.body());
      assertThat(JSON.readTree(viaProxy.body()).path("items").size()).isEqualTo(2000);
    }
  }

  @Test
  void servesOnAnOwnerOnlyUnixSocket(ApiServer api, @TempDir Path dir) throws Exception {
    Path socket = dir.resolve("kapi.sock");
    try (PodProxy p = PodProxy.start(api, api.uniqueNamespace("unix"), "app", CONFIGMAPS,
        b -> b.listen(Listen.unix(socket)))) {
      assertThat(p.proxy.servingOn()).isEqualTo(socket.toAbsolutePath().toString());
      assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Process curl = new ProcessBuilder("curl", "-s", "--unix-socket", socket.toString(),
          "http://localhost/apis/batch/v1").redirectErrorStream(true).start();
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor()).isZero();
      assertThat(JSON.readTree(out).path("groupVersion").asText()).isEqualTo("batch/v1");
    }
    assertThat(socket).doesNotExist();
  }

  @Test
  void theSocketPathIsNeverSomeoneElsesFile(ApiServer api, @TempDir Path dir) throws Exception {
    String ns = api.uniqueNamespace("unixpath");
    // a mistyped path to a regular file: refused, and the file kept (kubectl would refuse it only by luck)
    Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
    assertThatThrownBy(() -> PodProxy.start(api, ns, "app", CONFIGMAPS, b -> b.listen(Listen.unix(file))))
        .hasMessageContaining("cannot listen on unix socket " + file).hasMessageContaining("a regular file");
    assertThat(Files.readString(file)).isEqualTo("keep me");

    // a stale socket (its process died without removing it) is replaced
    Path socket = dir.resolve("kapi.sock");
    try (java.nio.channels.ServerSocketChannel dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists();
    try (PodProxy first = PodProxy.start(api, ns, "app", CONFIGMAPS, b -> b.listen(Listen.unix(socket)))) {
      // a second proxy on a live socket is refused instead of cutting the first one off
      assertThatThrownBy(() -> PodProxy.start(api, ns, "app", CONFIGMAPS, b -> b.listen(Listen.unix(socket))))
          .hasMessageContaining("another process is already serving on it");
      assertThat(JSON.readTree(curlUnix(socket, "/apis/batch/v1")).path("groupVersion").asText()).isEqualTo("batch/v1");

      // the path taken over meanwhile (an operator's restart): on exit the newcomer's socket is left in place
      Files.delete(socket);
      try (java.nio.channels.ServerSocketChannel other = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
        other.bind(java.net.UnixDomainSocketAddress.of(socket));
        first.close();
        assertThat(socket).as("another process's socket").exists();
      }
    }
  }

  private static String curlUnix(Path socket, String path) throws Exception {
    Process curl = new ProcessBuilder("curl", "-s", "--unix-socket", socket.toString(), "http://localhost" + path)
        .redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).isZero();
    return out;
  }
}
