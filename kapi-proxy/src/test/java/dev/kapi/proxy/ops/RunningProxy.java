package dev.kapi.proxy.ops;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.ProxyServer;
import dev.kapi.proxy.admin.AdminAddress;
import dev.kapi.proxy.testsupport.PrometheusText;
import dev.kapi.testing.ApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A {@link ProxyServer} in this JVM in front of the real API server, with its admin listener on a free port. */
final class RunningProxy implements AutoCloseable {

  final ProxyServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  RunningProxy(ProxyServer server) {
    this.server = server;
  }

  static ClusterConfig cluster(ApiServer api, Credentials credentials) {
    return ClusterConfig.builder().server(api.url()).tls(TlsSettings.builder().caFile(api.caFile()).build())
        .credentials(credentials).source("test").build();
  }

  static RunningProxy start(ApiServer api, Credentials credentials, OperationsConfig ops) {
    return start(api, credentials, ops, b -> { });
  }

  static RunningProxy start(ApiServer api, Credentials credentials, OperationsConfig ops,
      java.util.function.Consumer<ProxyConfig.Builder> customize) {
    ProxyConfig.Builder b = ProxyConfig.builder(cluster(api, credentials)).port(0);
    customize.accept(b);
    ProxyConfig config = b.build();
    return new RunningProxy(ProxyServer.start(config,
        ops.withAdmin(AdminAddress.parse("127.0.0.1:0"))));
  }

  static RunningProxy start(ApiServer api, OperationsConfig ops) {
    return start(api, Credentials.staticToken(api.adminToken()), ops);
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  URI adminUrl(String path) {
    return URI.create("http://127.0.0.1:" + server.adminAddress().orElseThrow().getPort() + path);
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(url(path)).build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  HttpResponse<String> admin(String path) {
    return send(HttpRequest.newBuilder(adminUrl(path)).timeout(Duration.ofSeconds(20)).build());
  }

  PrometheusText metrics() {
    HttpResponse<String> r = admin("/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return PrometheusText.parse(r.body());
  }

  @Override
  public void close() {
    server.close();
  }
}
