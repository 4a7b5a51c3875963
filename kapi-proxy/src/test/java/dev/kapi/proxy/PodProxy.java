package dev.kapi.proxy;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.InClusterConfig;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The seed's set-up on the real API server: a namespace and service account with a Role, the Pod's
 * service-account files and environment, and {@code kapi proxy} started in-process from that environment alone
 * (as in a Pod with no flags), on a free port.
 */
final class PodProxy implements AutoCloseable {

  final ApiServer api;
  final PodView pod;
  final ProxyServer proxy;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final HttpClient direct;

  private PodProxy(ApiServer api, PodView pod, ProxyServer proxy) {
    this.api = api;
    this.pod = pod;
    this.proxy = proxy;
    this.direct = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TlsSettings.trustCaFile(api.caFile()).sslContext()).build();
  }

  /** A pod view for {@code ns}/{@code sa} allowed {@code rules} in its namespace, and a proxy for it. */
  static PodProxy start(ApiServer api, String ns, String sa, List<ApiServer.Rule> rules,
      Consumer<ProxyConfig.Builder> customize) {
    return start(api, api.podView(ns, sa), sa, rules, customize, c -> c);
  }

  static PodProxy start(ApiServer api, PodView pod, String sa, List<ApiServer.Rule> rules,
      Consumer<ProxyConfig.Builder> customize, UnaryOperator<ClusterConfig> adjust) {
    if (!rules.isEmpty()) {
      api.createRole(pod.namespace(), "pod-role", rules);
      api.bindRole(pod.namespace(), "pod-role", sa);
    }
    ClusterConfig cluster = adjust.apply(InClusterConfig.load(pod.envWithDirectory()));
    ProxyConfig.Builder b = ProxyConfig.builder(cluster).port(0);
    customize.accept(b);
    return new PodProxy(api, pod, ProxyServer.start(b.build()));
  }

  int port() {
    return proxy.port();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpResponse<byte[]> get(String path) {
    return send(http, HttpRequest.newBuilder(url(path)).header("Accept", "application/json").build());
  }

  HttpResponse<byte[]> send(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return send(http, b.build());
  }

  /** The same request straight to the API server with the Pod's current token: what the proxy must reproduce. */
  HttpResponse<byte[]> direct(String path) {
    return send(direct, HttpRequest.newBuilder(api.url().resolve(path)).header("Accept", "application/json")
        .header("Authorization", "Bearer " + pod.token()).build());
  }

  HttpResponse<byte[]> directWithToken(String path, String token) {
    return send(direct, HttpRequest.newBuilder(api.url().resolve(path)).header("Accept", "application/json")
        .header("Authorization", "Bearer " + token).build());
  }

  private static HttpResponse<byte[]> send(HttpClient client, HttpRequest r) {
    try {
      return client.send(HttpRequest.newBuilder(r, (n, v) -> true).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(r.method() + " " + r.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    proxy.close();
  }
}
