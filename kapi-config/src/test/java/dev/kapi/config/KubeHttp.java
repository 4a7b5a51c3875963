package dev.kapi.config;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What a client built on kapi-config does per request, with java.net.http: the TLS of the config, the
 * Authorization header asked afresh each time, and after a 401 one retry if the credentials say another one exists.
 */
final class KubeHttp {

  private final ClusterConfig config;
  private final HttpClient http;

  KubeHttp(ClusterConfig config) {
    this.config = config;
    this.http = HttpClient.newBuilder()
        .sslContext(config.tls().sslContext())
        .sslParameters(config.tls().sslParameters())
        .connectTimeout(config.connectTimeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  HttpResponse<byte[]> send(String method, String path, String json) throws IOException, InterruptedException {
    String auth = config.credentials().authorization().orElse(null);
    HttpResponse<byte[]> r = http.send(request(method, path, json, auth), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 401 && config.credentials().refreshAfterUnauthorized(auth)) {
      String retry = config.credentials().authorization().orElse(null);
      r = http.send(request(method, path, json, retry), HttpResponse.BodyHandlers.ofByteArray());
    }
    return r;
  }

  /** The user the API server sees ({@code SelfSubjectReview}), or the failure. */
  String whoAmI() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
    String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      return "HTTP " + r.statusCode() + ": " + body;
    }
    var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("status").path("userInfo");
    return status.path("username").asText() + " " + status.path("groups");
  }

  private HttpRequest request(String method, String path, String json, String auth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.server().getScheme() + "://" + config.hostHeader() + config.pathPrefix() + path))
        .timeout(config.requestTimeout())
        .header("User-Agent", config.userAgent())
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b.build();
  }
}
