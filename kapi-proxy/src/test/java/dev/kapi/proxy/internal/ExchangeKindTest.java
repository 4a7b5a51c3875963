package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.policy.RequestInfoParser;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Long-running as kube-apiserver's BasicLongRunningRequestCheck decides it, from the same request info. */
class ExchangeKindTest {

  @ParameterizedTest(name = "{0} {1}?{2} Connection={3} -> {4}")
  @CsvSource(nullValues = "-", value = {
      "GET, /api/v1/pods, -, -, UNARY",
      "GET, /api/v1/pods, limit=500, -, UNARY",
      "GET, /api/v1/pods, watch=true, -, STREAM",
      "GET, /api/v1/pods, watch=1, -, STREAM",
      "GET, /api/v1/pods, watch=false, -, UNARY",
      "GET, /api/v1/pods, watch=0, -, UNARY",
      "GET, /api/v1/pods, x=1&watch=true&y=2, -, STREAM",
      "GET, /api/v1/pods, watchx=true, -, UNARY",
      // apimachinery's bool conversion, as the server reads it: anything but 0 and false
      "GET, /api/v1/pods, watch, -, STREAM",
      "GET, /api/v1/pods, watch=, -, STREAM",
      "GET, /api/v1/pods, watch=yes, -, STREAM",
      "GET, /api/v1/namespaces/d/configmaps/c, watch=true, -, UNARY", // a get by name is never a watch
      "GET, /api/v1/namespaces/d/pods/p/log, follow=true, -, STREAM",
      "GET, /api/v1/namespaces/d/pods/p/log, -, -, STREAM", // the server exempts every log
      "GET, /api/v1/watch/namespaces/d/pods, -, -, STREAM",
      "GET, /apis/apps/v1/watch/deployments, -, -, STREAM",
      "GET, /api/v1/namespaces/d/services/s/proxy/metrics, -, -, STREAM",
      "GET, /api/v1/nodes/n/proxy, -, -, STREAM",
      "POST, /api/v1/namespaces/d/pods/p/portforward, -, -, STREAM",
      "GET, /debug/pprof/profile, seconds=30, -, STREAM",
      // names are not verbs: a namespace or object called proxy or watch is an ordinary request
      "POST, /api/v1/namespaces/proxy/configmaps, -, -, UNARY",
      "PUT, /api/v1/namespaces/d/configmaps/proxy, -, -, UNARY",
      "POST, /apis/coordination.k8s.io/v1/namespaces/watch/leases, -, -, UNARY",
      "GET, /api/v1/namespaces/d/configmaps/watch, -, -, UNARY",
      "GET, /healthz/proxy, -, -, UNARY",
      "GET, /api/v1/namespaces/d/pods/p/exec, command=ls, Upgrade, UPGRADE",
      "GET, /api/v1/namespaces/d/pods/p/exec, command=ls, 'keep-alive, Upgrade', UPGRADE",
      "GET, /api/v1/pods, watch=true, upgrade, UPGRADE",
      "GET, /api/v1/pods, -, keep-alive, UNARY"})
  void classifiesBeforeAnythingGoesUpstream(String method, String path, String query, String connection, ExchangeKind kind) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (connection != null) {
      h.set("Connection", connection);
    }
    assertThat(ExchangeKind.of(RequestInfoParser.parse(method, path, query), h)).isEqualTo(kind);
  }
}
