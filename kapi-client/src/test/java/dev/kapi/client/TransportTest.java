package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Transport behaviour that needs a server misbehaving on cue; each feature is also used against the real server. */
class TransportTest {

  static final String STATUS_503 = "{\"kind\":\"Status\",\"code\":503,\"reason\":\"ServiceUnavailable\",\"message\":\"busy\"}";

  @Test
  void askForGzipAndDecodeIt() throws Exception {
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      fake.enqueue(ex -> {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
          gz.write("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}".getBytes(StandardCharsets.UTF_8));
        }
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, buf.size());
        ex.getResponseBody().write(buf.toByteArray());
      });
      assertThat(kube.get("/api").path("versions").get(0).asText()).isEqualTo("v1");
      assertThat(fake.requests.get(0).acceptEncoding()).isEqualTo("gzip");
    }
  }

  @Test
  void retryWhereTheServerSaysSoEvenForPostsThen429TextIsTyped() throws Exception {
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      fake.enqueue(429, "text/plain", "Too many requests, please try again later.\n", "Retry-After", "0")
          .enqueue(503, "application/json", STATUS_503, "Retry-After", "0")
          .enqueue(201, "application/json", "{\"kind\":\"ConfigMap\"}");
      KubeResponse r = kube.send(KubeRequest.post("/api/v1/namespaces/x/configmaps").body("{}", "application/json").build());
      assertThat(r.code()).isEqualTo(201);
      assertThat(fake.requests).hasSize(3).allMatch(s -> s.body().equals("{}"));

      for (int i = 0; i < 4; i++) {
        fake.enqueue(429, "text/plain", "Too many requests, please try again later.\n", "Retry-After", "0");
      }
      KubeApiException.TooManyRequests e = assertThrows(KubeApiException.TooManyRequests.class, () -> kube.get("/api"));
      assertThat(e.retryAfter()).contains(Duration.ZERO);
      assertThat(fake.requests).hasSize(3 + 4); // first try + 3 retries
      assertThat(e.getSuppressed()).hasSize(1); // the previous attempt's error, which keeps its own predecessor
      assertThat(e.getSuppressed()[0].getSuppressed()).hasSize(1);
    }
  }

  @Test
  void noRetryWithoutRetryAfterOrForALongWait() throws Exception {
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      fake.enqueue(500, "application/json", "{\"kind\":\"Status\",\"code\":500,\"reason\":\"InternalError\",\"message\":\"boom\"}");
      assertThatThrownBy(() -> kube.get("/api")).isInstanceOf(KubeApiException.class).hasMessage("boom (InternalError)");
      fake.enqueue(503, "application/json", STATUS_503, "Retry-After", "3600");
      KubeApiException e = assertThrows(KubeApiException.class, () -> kube.get("/api"));
      assertThat(e.retryAfter()).contains(Duration.ofHours(1));
      assertThat(fake.requests).hasSize(2);
    }
  }

  @Test
  void after401TheRefreshedCredentialIsTriedOnceAndTheTokenNeverReachesTheLog() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    Credentials rotating = new Credentials() {
      volatile String token = "old-secret";

      @Override
      public Optional<String> authorization() {
        return Optional.of("Bearer " + token);
      }

      @Override
      public boolean refreshAfterUnauthorized(String rejected) {
        refreshes.incrementAndGet();
        if (rejected.equals("Bearer old-secret")) {
          token = "new-secret";
          return true;
        }
        return false;
      }

      @Override
      public String describe() {
        return "rotating test token";
      }
    };
    List<String> log = TestClients.lines();
    try (FakeApiServer fake = new FakeApiServer();
        KubeClient kube = KubeClient.builder(fake.config(rotating)).requestLog(log::add, true).build()) {
      fake.enqueue(401, "application/json", "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\",\"message\":\"Unauthorized\"}")
          .enqueue(200, "application/json", "{\"kind\":\"PUT-ok\"}");
      assertThat(kube.send(KubeRequest.put("/api/v1/x").body("{}", "application/json").build()).json().path("kind").asText())
          .isEqualTo("PUT-ok");
      assertThat(fake.requests).extracting(FakeApiServer.Seen::authorization).containsExactly("Bearer old-secret", "Bearer new-secret");

      fake.enqueue(401, "application/json", "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\",\"message\":\"Unauthorized\"}");
      assertThrows(KubeApiException.Unauthorized.class, () -> kube.get("/api"));
      assertThat(refreshes.get()).isEqualTo(2);
      assertThat(fake.requests).hasSize(3);
      assertThat(log).anyMatch(l -> l.contains("> Authorization: Bearer <redacted>")).noneMatch(l -> l.contains("secret"));
    }
  }

  @Test
  void theHeaderTimeoutFailsAServerThatNeverAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (FakeApiServer fake = new FakeApiServer();
        KubeClient kube = KubeClient.builder(fake.config(Credentials.none()).toBuilder().requestTimeout(Duration.ofMillis(300)).build())
            .maxRetries(0).build()) {
      fake.enqueue(ex -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        FakeApiServer.respond(ex, 200, "application/json", "{}");
      });
      assertThatThrownBy(() -> kube.get("/api")).isInstanceOf(KubeException.class).hasMessageContaining("no response headers within 300 ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aTlsHandshakeThatNeverEndsIsReportedWithTheLimitThatRanOut() throws Exception {
    // accepts the TCP connection and never answers the ClientHello
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        KubeClient kube = KubeClient.builder(ClusterConfig.builder().server("https://127.0.0.1:" + silent.getLocalPort())
            .connectTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofMillis(300)).build()).maxRetries(0).build()) {
      assertThatThrownBy(() -> kube.get("/api")).isInstanceOf(KubeException.class)
          .hasMessageContaining("connect timed out after 300 ms");
    }
  }

  @Test
  void aFollowedLogDeliversLinesBeforeTheResponseEnds() throws Exception {
    CountDownLatch firstLineRead = new CountDownLatch(1);
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      fake.enqueue(200, "application/json", "{\"kind\":\"APIGroupDiscoveryList\",\"items\":[{\"metadata\":{\"name\":\"\"},\"versions\":"
          + "[{\"version\":\"v1\",\"resources\":[{\"resource\":\"pods\",\"responseKind\":{\"kind\":\"Pod\"},\"scope\":\"Namespaced\","
          + "\"verbs\":[\"get\"],\"subresources\":[{\"subresource\":\"log\"}]}]}]}]}");
      fake.enqueue(200, "application/json", "{\"kind\":\"APIGroupDiscoveryList\",\"items\":[]}");
      fake.enqueue(ex -> {
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, 0); // chunked
        OutputStream out = ex.getResponseBody();
        out.write("line 1\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
          firstLineRead.await(10, TimeUnit.SECONDS); // the second line only after the client has the first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        out.write("line 2\n".getBytes(StandardCharsets.UTF_8));
        out.close();
      });
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(
          kube.resources("pods").inNamespace("ns").log("p", LogOptions.defaults().withFollow().withTailLines(10)), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).isEqualTo("line 1");
        firstLineRead.countDown();
        assertThat(lines.readLine()).isEqualTo("line 2");
        assertThat(lines.readLine()).isNull();
      }
      assertThat(fake.requests.get(2).uri()).isEqualTo("/api/v1/namespaces/ns/pods/p/log?follow=true&tailLines=10");
    }
  }

  @Test
  void anExpiredContinueTokenSurfacesAsGoneFromTheLazyStream() throws Exception {
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      ResourceType cms = new ResourceType("", "v1", "configmaps", "ConfigMap", "", true, List.of("cm"), List.of("list"), List.of(),
          List.of(), true);
      fake.enqueue(200, "application/json", "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"5\",\"continue\":\"tok\"},"
          + "\"items\":[{\"metadata\":{\"name\":\"a\"}}]}");
      fake.enqueue(410, "application/json", "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"The provided "
          + "continue parameter is too old to display a consistent list result.\"}");
      var it = kube.resources(cms).inNamespace("ns").list(ListOptions.all().withLimit(1)).iterator();
      assertThat(it.next().at("/metadata/name").asText()).isEqualTo("a");
      assertThat(fake.requests).hasSize(1); // lazy: the second page is not fetched until needed
      assertThatThrownBy(it::next).isInstanceOf(KubeApiException.Gone.class).hasMessageContaining("continue parameter is too old");
      assertThat(fake.requests.get(1).uri()).isEqualTo("/api/v1/namespaces/ns/configmaps?limit=1&continue=tok");
    }
  }

  @Test
  void aWatchCutMidEventResumesFromTheLastResourceVersionWithoutInventingOrLosingEvents() throws Exception {
    String a = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"11\"}}}\n";
    String bookmark = "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"15\"}}}\n";
    String b = "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"17\"}}}\n";
    try (FakeApiServer fake = new FakeApiServer(); KubeClient kube = KubeClient.create(fake.config(Credentials.none()))) {
      ResourceType cms = new ResourceType("", "v1", "configmaps", "ConfigMap", "", true, List.of(), List.of("watch"), List.of(),
          List.of(), true);
      // first connection: an event, a bookmark, then half an event and the connection ends
      fake.enqueue(200, "application/json", a + bookmark + b.substring(0, 30));
      fake.enqueue(200, "application/json", b);
      try (Watch w = kube.resources(cms).inNamespace("ns").watch(ListOptions.all().withResourceVersion("10"))) {
        assertThat(w.next().name()).isEqualTo("a");
        WatchEvent second = w.next();
        assertThat(second.type()).isEqualTo(WatchEvent.Type.MODIFIED);
        assertThat(second.name()).isEqualTo("b");
        assertThat(w.reconnects()).isEqualTo(1);
      }
      assertThat(fake.requests.get(0).uri()).contains("watch=true").contains("allowWatchBookmarks=true").contains("resourceVersion=10");
      assertThat(fake.requests.get(1).uri()).contains("resourceVersion=15"); // from the bookmark
    }
  }

  @Test
  void anHttpProxyCarriesTheRequestsAndSocksIsRefusedNotIgnored() throws Exception {
    try (FakeApiServer proxy = new FakeApiServer()) {
      ClusterConfig viaProxy = ClusterConfig.builder().server("http://kube.invalid:6443").proxy(URI.create(proxy.url())).build();
      try (KubeClient kube = KubeClient.create(viaProxy)) {
        proxy.enqueue(200, "application/json", "{\"kind\":\"APIVersions\"}");
        assertThat(kube.get("/api").path("kind").asText()).isEqualTo("APIVersions");
        assertThat(proxy.requests.get(0).uri()).isEqualTo("http://kube.invalid:6443/api");
      }
    }
    ClusterConfig socks = ClusterConfig.builder().server("https://127.0.0.1:6443").proxy(URI.create("socks5://127.0.0.1:1080")).build();
    assertThatThrownBy(() -> KubeClient.create(socks)).isInstanceOf(KubeException.class).hasMessageContaining("socks5");
  }

  @Test
  void aClosedClientRefusesRequests() throws Exception {
    try (FakeApiServer fake = new FakeApiServer()) {
      KubeClient kube = KubeClient.create(fake.config(Credentials.none()));
      kube.close();
      assertThatThrownBy(() -> kube.get("/api")).isInstanceOf(KubeException.class).hasMessageContaining("closed");
    }
  }
}
