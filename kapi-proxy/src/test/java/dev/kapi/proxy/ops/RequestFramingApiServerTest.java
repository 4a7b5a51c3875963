package dev.kapi.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests whose framing is broken or ambiguous, sent by hand through the proxy to the real API server. */
@ExtendWith(ApiServerExtension.class)
class RequestFramingApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Socket connect(RunningProxy proxy) throws Exception {
    Socket s = new Socket("127.0.0.1", proxy.server.port());
    s.setSoTimeout(20_000);
    return s;
  }

  @Test
  void aBrokenChunkIsNeverSentOnAsTheEndOfTheBody(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("chunks");
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none()); Socket s = connect(proxy)) {
      // the first chunk is a whole object by itself; a proxy that ended the body at the bad chunk would create it
      String object = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"torn\"},\"data\":{\"a\":\"1\"}}";
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/namespaces/" + ns + "/configmaps HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(object.length()) + "\r\n" + object + "\r\nzz\r\nmore\r\n0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      RawHttp.Response r = RawHttp.readBody(RawHttp.readHead(in), in);

      assertThat(r.status()).isEqualTo(400);
      assertThat(r.head().toLowerCase()).contains("connection: close");
      JsonNode status = JSON.readTree(r.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("message").asText()).startsWith("kapi proxy could not read the request body");
      assertThat(in.read()).as("the connection is closed after the answer").isEqualTo(-1);
      assertThat(proxy.get("/api/v1/namespaces/" + ns + "/configmaps/torn").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void twoHostHeadersOrNoneOnHttp11Are400AndHttp10IgnoresExpect(ApiServer api) throws Exception {
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      for (String hosts : new String[] {"Host: localhost\r\nHost: evil.example\r\n", "Host: evil.example\r\nHost: localhost\r\n", ""}) {
        try (Socket s = connect(proxy)) {
          s.getOutputStream().write(("GET /api HTTP/1.1\r\n" + hosts + "\r\n").getBytes(StandardCharsets.US_ASCII));
          InputStream in = s.getInputStream();
          RawHttp.Response r = RawHttp.readBody(RawHttp.readHead(in), in);
          assertThat(r.status()).as(hosts).isEqualTo(400);
          assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains(hosts.isEmpty() ? "needs a Host header"
              : "more than one Host header");
        }
      }
      // a bare LF ends no line here (Go's server, and so kubectl proxy, accepts it): one framing, read one way
      for (String request : new String[] {"GET /api HTTP/1.1\nHost: localhost\n\n", "GET /api HTTP/1.1\r\nHost: localhost\n\r\n"}) {
        try (Socket s = connect(proxy)) {
          s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
          InputStream in = s.getInputStream();
          assertThat(RawHttp.readBody(RawHttp.readHead(in), in).status()).as(request).isEqualTo(400);
        }
      }
      // OPTIONS * asks about the proxy itself: 200, empty, as Go's server answers for kubectl proxy; the connection stays
      try (Socket s = connect(proxy)) {
        for (int i = 0; i < 2; i++) {
          s.getOutputStream().write("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          InputStream in = s.getInputStream();
          RawHttp.Response r = RawHttp.readBody(RawHttp.readHead(in), in);
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.body()).isEmpty();
        }
      }
      // HTTP/1.0: an Expect is ignored (RFC 9110 §10.1.1), as Go's server does; no Host is a 403 from the host filter
      for (String host : new String[] {"Host: localhost\r\n", ""}) {
        try (Socket s = connect(proxy)) {
          s.getOutputStream().write(("GET /api HTTP/1.0\r\n" + host + "Expect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          assertThat(RawHttp.readHead(s.getInputStream())).matches(host.isEmpty() ? "(?s)HTTP/1.. 403 .*" : "(?s)HTTP/1.. 200 .*");
        }
      }
    }
  }

  @Test
  void connectIsRefusedLocallyAndLeavesTheProxyReady(ApiServer api) throws Exception {
    // a neighbour's CONNECT once failed in the HTTP/2 conversion, counted as an API server failure and made /readyz fail
    for (dev.kapi.proxy.UpstreamHttp2 mode : dev.kapi.proxy.UpstreamHttp2.values()) {
      try (RunningProxy proxy = RunningProxy.start(api, dev.kapi.config.Credentials.staticToken(api.adminToken()),
          OperationsConfig.none(), b -> b.upstreamHttp2(mode))) {
        for (String target : new String[] {"/api/v1/namespaces/default/pods/p/log?follow=true",
            "/api/v1/namespaces/default/configmaps", "/healthz", "localhost:443"}) {
          try (Socket s = connect(proxy)) {
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            RawHttp.Response r = RawHttp.readBody(RawHttp.readHead(in), in);
            assertThat(r.status()).as(mode + " " + target).isEqualTo(405);
            assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("MethodNotAllowed");
            assertThat(in.read()).as("what follows a CONNECT is not HTTP: the connection closes").isEqualTo(-1);
          }
        }
        assertThat(proxy.admin("/readyz").statusCode()).as(mode.toString()).isEqualTo(200);
        assertThat(proxy.metrics().sum("kapi_proxy_upstream_errors_total", java.util.Map.of())).isZero();
        assertThat(proxy.get("/api/v1/namespaces/default/configmaps").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void aNamespaceCalledProxyOrWatchHoldsOrdinaryRequests(ApiServer api) throws Exception {
    // names are not verbs: these are creates with the usual header timeout and the HTTP/1.1 pool, not streams
    try (RunningProxy proxy = RunningProxy.start(api, OperationsConfig.none())) {
      for (String ns : new String[] {"proxy", "watch"}) {
        api.createNamespace(ns);
        String big = "x".repeat(300_000);
        HttpResponse<String> created = proxy.send(HttpRequest.newBuilder(proxy.url("/api/v1/namespaces/" + ns + "/configmaps"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                + "{\"name\":\"proxy-" + System.nanoTime() + "\"},\"data\":{\"k\":\"" + big + "\"}}")).build());
        assertThat(created.statusCode()).as(ns).isEqualTo(201);
      }
      // the duration histogram leaves long-running requests out: both creates are in it
      assertThat(proxy.metrics().sum("kapi_proxy_request_duration_seconds_count", java.util.Map.of("verb", "create")))
          .isEqualTo(2);
    }
  }
}
