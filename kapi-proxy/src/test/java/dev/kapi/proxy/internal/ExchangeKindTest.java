package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExchangeKindTest {

  @ParameterizedTest(name = "{0}?{1} Connection={2} -> {3}")
  @CsvSource(nullValues = "-", value = {
      "/api/v1/pods, -, -, UNARY",
      "/api/v1/pods, limit=500, -, UNARY",
      "/api/v1/pods, watch=true, -, STREAM",
      "/api/v1/pods, watch=1, -, STREAM",
      "/api/v1/pods, watch=false, -, UNARY",
      "/api/v1/pods, x=1&watch=true&y=2, -, STREAM",
      "/api/v1/pods, watchx=true, -, UNARY",
      "/api/v1/namespaces/d/pods/p/log, follow=true, -, STREAM",
      "/api/v1/namespaces/d/pods/p/log, follow=false, -, UNARY",
      "/api/v1/watch/namespaces/d/pods, -, -, STREAM",
      "/apis/apps/v1/watch/deployments, -, -, STREAM",
      "/api/v1/namespaces/d/services/s/proxy/metrics, -, -, STREAM",
      "/api/v1/namespaces/d/pods/p/exec, command=ls, Upgrade, UPGRADE",
      "/api/v1/namespaces/d/pods/p/exec, command=ls, 'keep-alive, Upgrade', UPGRADE",
      "/api/v1/pods, watch=true, upgrade, UPGRADE",
      "/api/v1/pods, -, keep-alive, UNARY"})
  void classifiesBeforeAnythingGoesUpstream(String path, String query, String connection, ExchangeKind kind) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (connection != null) {
      h.set("Connection", connection);
    }
    assertThat(ExchangeKind.of(path, query, h)).isEqualTo(kind);
  }
}
