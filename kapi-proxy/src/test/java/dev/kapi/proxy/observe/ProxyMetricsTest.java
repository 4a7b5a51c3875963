package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.proxy.admin.MetricsEndpoint;
import dev.kapi.proxy.policy.RequestInfoParser;
import dev.kapi.proxy.testsupport.PrometheusText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry(),
      ReloadCountingCredentials.of(Credentials.staticToken(jwtExpiringAt(2_000_000_000L))),
      TlsSettings.builder().insecureSkipTlsVerify(true).build());

  static String jwtExpiringAt(long exp) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(("{\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  ObservedExchange start(String method, String path, Map<String, String> query, ExchangeKind kind) {
    return ObservedExchange.start(metrics, method, path, RequestInfoParser.parse(method, path, query), kind, "test");
  }

  PrometheusText scrape() {
    return PrometheusText.parse(new String(new MetricsEndpoint(metrics.registry()).scrape(List.of()),
        StandardCharsets.UTF_8));
  }

  @Test
  void countsRequestsByVerbGroupResourceAndCodeAsTheApiServerNamesThem() {
    for (int i = 0; i < 7; i++) {
      ObservedExchange e = start("GET", "/api/v1/namespaces/demo/configmaps", Map.of(), ExchangeKind.UNARY);
      e.responseStarted(200, "");
      e.toClient(10);
      e.completed();
    }
    ObservedExchange get = start("GET", "/apis/apps/v1/namespaces/demo/deployments/web", Map.of(), ExchangeKind.UNARY);
    get.responseStarted(404, "");
    get.completed();
    ObservedExchange create = start("POST", "/api/v1/namespaces/demo/configmaps", Map.of(), ExchangeKind.UNARY);
    create.fromClient(123);
    create.responseStarted(201, "");
    create.completed();

    PrometheusText m = scrape();
    assertThat(m.typeOf("kapi_proxy_requests")).isEqualTo("counter");
    assertThat(m.value("kapi_proxy_requests_total",
        Map.of("verb", "list", "group", "", "resource", "configmaps", "code", "200"))).isEqualTo(7);
    assertThat(m.value("kapi_proxy_requests_total",
        Map.of("verb", "get", "group", "apps", "resource", "deployments", "code", "404"))).isEqualTo(1);
    assertThat(m.value("kapi_proxy_requests_total", Map.of("verb", "create", "code", "201"))).isEqualTo(1);
    assertThat(m.value("kapi_proxy_sent_bytes_total", Map.of())).isEqualTo(70);
    assertThat(m.value("kapi_proxy_received_bytes_total", Map.of())).isEqualTo(123);
    assertThat(m.value("kapi_proxy_request_duration_seconds_count", Map.of("verb", "list"))).isEqualTo(7);
    assertThat(m.value("kapi_proxy_request_first_byte_seconds_count", Map.of("verb", "list"))).isEqualTo(7);
    assertThat(m.value("kapi_proxy_requests_in_flight", Map.of())).isZero();
  }

  @Test
  void watchesAndTunnelsHaveGaugesAndStayOutOfTheCompletionHistogram() {
    ObservedExchange watch = start("GET", "/api/v1/namespaces/demo/pods", Map.of("watch", "true"), ExchangeKind.STREAM);
    watch.responseStarted(200, "");
    ObservedExchange exec = start("GET", "/api/v1/namespaces/demo/pods/p/exec", Map.of(), ExchangeKind.UPGRADE);
    exec.responseStarted(101, "");
    ObservedExchange list = start("GET", "/api/v1/namespaces/demo/pods", Map.of(), ExchangeKind.UNARY);

    PrometheusText during = scrape();
    assertThat(during.value("kapi_proxy_watches_open", Map.of())).isEqualTo(1);
    assertThat(during.value("kapi_proxy_upgrade_tunnels_open", Map.of())).isEqualTo(1);
    assertThat(during.value("kapi_proxy_requests_in_flight", Map.of())).isEqualTo(1);
    assertThat(during.value("kapi_proxy_request_first_byte_seconds_count", Map.of("verb", "watch"))).isEqualTo(1);

    watch.aborted("client went away");
    exec.completed();
    list.responseStarted(200, "");
    list.completed();
    PrometheusText after = scrape();
    assertThat(after.value("kapi_proxy_watches_open", Map.of())).isZero();
    assertThat(after.value("kapi_proxy_upgrade_tunnels_open", Map.of())).isZero();
    assertThat(after.matching("kapi_proxy_request_duration_seconds_count", Map.of("verb", "watch"))).isEmpty();
    assertThat(after.value("kapi_proxy_requests_total", Map.of("verb", "watch", "code", "200"))).isEqualTo(1);
    assertThat(after.value("kapi_proxy_requests_total", Map.of("verb", "get", "subresource", "exec", "code", "101")))
        .isEqualTo(1);
    assertThat(after.value("kapi_proxy_requests_aborted_total", Map.of("kind", "stream"))).isEqualTo(1);
  }

  @Test
  void countsRejectionsByRuleAndUpstreamEventsByCause() {
    ObservedExchange denied = start("POST", "/api/v1/namespaces/x/pods/p/exec", Map.of(), ExchangeKind.UNARY);
    denied.rejected(Rejection.filter("reject-paths"));
    denied.responseStarted(403, "");
    denied.completed();
    ObservedExchange shed = start("GET", "/api/v1/pods", Map.of(), ExchangeKind.UNARY);
    shed.rejected(Rejection.load("max-inflight"));
    shed.responseStarted(429, "");
    shed.completed();
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.requestSent();
    metrics.failed(UpstreamFailure.CONNECT_REFUSED, "connection refused");

    PrometheusText m = scrape();
    assertThat(m.value("kapi_proxy_filter_rejections_total", Map.of("rule", "reject-paths"))).isEqualTo(1);
    assertThat(m.value("kapi_proxy_load_rejections_total", Map.of("limit", "max-inflight"))).isEqualTo(1);
    assertThat(m.value("kapi_proxy_upstream_connections_open", Map.of())).isEqualTo(1);
    assertThat(m.value("kapi_proxy_upstream_connections_opened_total", Map.of())).isEqualTo(2);
    assertThat(m.value("kapi_proxy_upstream_requests_total", Map.of())).isEqualTo(1);
    assertThat(m.value("kapi_proxy_upstream_errors_total", Map.of("cause", "connect_refused"))).isEqualTo(1);
    assertThat(m.value("kapi_proxy_upstream_errors_total", Map.of("cause", "tls"))).isZero();
  }

  @Test
  void exposesReloadsTokenExpiryAndJvmBasics() {
    metrics.registerJvmMetrics();
    PrometheusText m = scrape();
    assertThat(m.value("kapi_proxy_token_reloads_total", Map.of())).isZero();
    assertThat(m.value("kapi_proxy_ca_reloads_total", Map.of())).isZero();
    assertThat(m.value("kapi_proxy_token_expiry_timestamp_seconds", Map.of())).isEqualTo(2_000_000_000d);
    assertThat(m.hasFamily("jvm_memory_used_bytes")).isTrue();
    assertThat(m.hasFamily("jvm_threads_current")).isTrue();
    assertThat(m.hasFamily("process_cpu_seconds")).isTrue();
  }

  @Test
  void jvmMetricsAppearFromTheFirstScrapeAndAreRegisteredOnce() {
    MetricsEndpoint endpoint = new MetricsEndpoint(metrics.registry(), metrics::registerJvmMetrics);
    assertThat(scrape().hasFamily("jvm_memory_used_bytes")).isFalse(); // nothing asked yet: JMX not started
    PrometheusText first = PrometheusText.parse(new String(endpoint.scrape(List.of()), StandardCharsets.UTF_8));
    PrometheusText second = PrometheusText.parse(new String(endpoint.scrape(List.of()), StandardCharsets.UTF_8));
    assertThat(first.hasFamily("jvm_memory_used_bytes")).isTrue();
    assertThat(second.hasFamily("jvm_threads_current")).isTrue();
    assertThat(second.value("kapi_proxy_token_reloads_total", Map.of())).isZero();
  }

  @Test
  void madeUpResourceNamesCannotGrowTheRegistryWithoutBound() {
    for (int i = 0; i < ProxyMetrics.MAX_RESOURCES + 50; i++) {
      ObservedExchange e = start("GET", "/api/v1/made-up-" + i, Map.of(), ExchangeKind.UNARY);
      e.responseStarted(404, "");
      e.completed();
    }
    PrometheusText m = scrape();
    assertThat(m.value("kapi_proxy_requests_total", Map.of("resource", "other", "code", "404"))).isEqualTo(50);
  }

  @Test
  void madeUpSubresourcesGroupsAndMethodsCannotGrowTheRegistryEither() {
    for (int i = 0; i < 700; i++) {
      for (String[] req : new String[][] {{"GET", "/api/v1/namespaces/a/pods/p/sub-" + i}, {"GET", "/apis/group-" + i + ".io/v1/things"},
          {"VERB" + i, "/healthz"}}) {
        ObservedExchange e = start(req[0], req[1], Map.of(), ExchangeKind.UNARY);
        e.responseStarted(404, "");
        e.completed();
      }
    }
    PrometheusText m = scrape();
    List<PrometheusText.Sample> requests = m.matching("kapi_proxy_requests_total", Map.of());
    assertThat(requests.stream().map(x -> x.labels().get("subresource")).distinct().count()).isLessThanOrEqualTo(ProxyMetrics.MAX_RESOURCES + 1);
    assertThat(requests.stream().map(x -> x.labels().get("group")).distinct().count()).isLessThanOrEqualTo(ProxyMetrics.MAX_RESOURCES + 2);
    assertThat(requests.stream().map(x -> x.labels().get("verb")).distinct()).containsExactlyInAnyOrder("get", "list", "other");
    assertThat(m.value("kapi_proxy_requests_total", Map.of("verb", "other", "code", "404"))).isEqualTo(700);
    assertThat(m.matching("kapi_proxy_request_duration_seconds_count", Map.of()))
        .extracting(x -> x.labels().get("verb")).containsExactlyInAnyOrder("get", "list", "other");
    assertThat(m.sum("kapi_proxy_requests_total", Map.of())).isEqualTo(2100);
  }

  @Test
  void aLabelLongerThanAnyRealResourceNameIsOther() {
    ObservedExchange e = start("GET", "/api/v1/namespaces/a/pods/p/" + "s".repeat(30_000), Map.of(), ExchangeKind.UNARY);
    e.responseStarted(404, "");
    e.completed();
    PrometheusText m = scrape();
    assertThat(m.value("kapi_proxy_requests_total", Map.of("resource", "other", "subresource", "", "code", "404"))).isEqualTo(1);
    assertThat(m.matching("kapi_proxy_requests_total", Map.of())).allSatisfy(x ->
        assertThat(x.labels().values()).allSatisfy(v -> assertThat(v.length()).isLessThan(300)));
  }

  @Test
  void nameFilterLimitsTheScrape() {
    String text = new String(new MetricsEndpoint(metrics.registry()).scrape(List.of("kapi_proxy_watches_open")),
        StandardCharsets.UTF_8);
    PrometheusText m = PrometheusText.parse(text);
    assertThat(m.samples()).extracting(PrometheusText.Sample::family).containsOnly("kapi_proxy_watches_open");
  }
}
