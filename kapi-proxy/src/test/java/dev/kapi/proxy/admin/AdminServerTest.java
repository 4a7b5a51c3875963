package dev.kapi.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.proxy.internal.Transport;
import dev.kapi.proxy.testsupport.PrometheusText;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  static final Transport TRANSPORT = Transport.best();

  final AtomicBoolean tokenOk = new AtomicBoolean(true);
  final PrometheusRegistry registry = new PrometheusRegistry();
  final AdminServer server;
  final HttpClient http = HttpClient.newHttpClient();

  AdminServerTest() {
    Counter.builder().name("demo_events_total").help("demo").register(registry).inc(3);
    HealthEndpoint livez = new HealthEndpoint("livez", List.of(HealthCheck.of("ping", () -> { })), Duration.ofSeconds(1));
    HealthEndpoint readyz = new HealthEndpoint("readyz", List.of(HealthCheck.of("ping", () -> { }),
        HealthCheck.of("token", () -> {
          if (!tokenOk.get()) {
            throw new IllegalStateException("token file /t does not exist");
          }
        })), Duration.ofSeconds(1));
    server = AdminServer.start(AdminAddress.parse("127.0.0.1:0").orElseThrow(),
        new AdminRoutes(livez, readyz, new MetricsEndpoint(registry)), TRANSPORT.ioHandlerFactory(),
        TRANSPORT.serverChannel());
  }

  @AfterEach
  void close() {
    server.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzIsOkThenNamesTheFailingCheckWith503() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").body()).isEqualTo("ok");
    assertThat(get("/readyz?verbose").body()).isEqualTo("[+]ping ok\n[+]token ok\nreadyz check passed\n");
    tokenOk.set(false);
    HttpResponse<String> bad = get("/readyz");
    assertThat(bad.statusCode()).isEqualTo(503);
    assertThat(bad.body()).isEqualTo("[+]ping ok\n[-]token failed: token file /t does not exist\nreadyz check failed\n");
    assertThat(get("/readyz?exclude=token").statusCode()).isEqualTo(200);
    assertThat(get("/readyz/ping").statusCode()).isEqualTo(200);
    assertThat(get("/readyz/token").statusCode()).isEqualTo(503);
    assertThat(get("/readyz/nope").statusCode()).isEqualTo(404);
    assertThat(get("/livez").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsAreInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(PrometheusText.parse(r.body()).value("demo_events_total", Map.of())).isEqualTo(3);
  }

  @Test
  void otherPathsAre404SoApiPathsAreNeverShadowed() throws Exception {
    HttpResponse<String> r = get("/api/v1/namespaces");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("API paths go to the proxy's own address");
    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort()
        + "/readyz")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(405);
  }

  @Test
  void adminAddressParsesHostPortIpv6AndOff() {
    assertThat(AdminAddress.parse("off")).isEmpty();
    assertThat(AdminAddress.parse("127.0.0.1:9091")).contains(new InetSocketAddress("127.0.0.1", 9091));
    assertThat(AdminAddress.parse("[::1]:9091")).contains(new InetSocketAddress("::1", 9091));
    assertThat(AdminAddress.parse(":9091")).contains(new InetSocketAddress(9091));
    assertThatThrownBy(() -> AdminAddress.parse("9091")).hasMessageContaining("HOST:PORT or off");
    assertThatThrownBy(() -> AdminAddress.parse("::1:9091")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> AdminAddress.parse("h:99999")).hasMessageContaining("0-65535");
  }

  @Test
  void aBusyAddressIsAOneLineError() {
    assertThatThrownBy(() -> AdminServer.start(server.localAddress(), new AdminRoutes(null, null, null),
        TRANSPORT.ioHandlerFactory(), TRANSPORT.serverChannel()))
        .hasMessageStartingWith("cannot listen on admin address");
  }
}
