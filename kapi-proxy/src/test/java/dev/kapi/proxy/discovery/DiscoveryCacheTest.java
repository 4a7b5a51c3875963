package dev.kapi.proxy.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiscoveryCacheTest {

  static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

  record Fetch(String path, Map<String, String> headers) {
  }

  final AtomicLong now = new AtomicLong();
  final List<Fetch> fetches = new CopyOnWriteArrayList<>();
  final List<String> results = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<DiscoveryCache.Response>> pending = new ArrayList<>();
  boolean hold;
  String etag = "\"abc\"";
  int version = 1;

  final DiscoveryCache cache = new DiscoveryCache((path, headers) -> {
    fetches.add(new Fetch(path, headers));
    DiscoveryCache.Response r = headers.containsKey("If-None-Match") && headers.get("If-None-Match").equals(etag)
        ? new DiscoveryCache.Response(304, List.of(Map.entry("ETag", etag)), new byte[0])
        : new DiscoveryCache.Response(200, List.of(Map.entry("Content-Type", "application/json"),
            Map.entry("ETag", etag), Map.entry("Audit-Id", "x-" + fetches.size())),
            ("{\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8));
    if (hold) {
      CompletableFuture<DiscoveryCache.Response> f = new CompletableFuture<>();
      pending.add(f);
      return f.thenApply(ignored -> r);
    }
    return CompletableFuture.completedFuture(r);
  }, Duration.ofSeconds(10), now::get, results::add);

  static DiscoveryCache.Request req(String path) {
    return new DiscoveryCache.Request(path, V2, "gzip", Optional.empty(), Optional.empty());
  }

  static String body(DiscoveryCache.Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void servesRepeatsFromMemoryWithinTheTtl() {
    for (int i = 0; i < 100; i++) {
      DiscoveryCache.Response r = cache.get(req("/apis")).join();
      assertThat(r.status()).isEqualTo(200);
      assertThat(body(r)).isEqualTo("{\"v\":1}");
      assertThat(r.header("Audit-Id")).as("per-request headers are not replayed").isEmpty();
    }
    assertThat(fetches).hasSize(1);
    assertThat(fetches.get(0).headers()).containsEntry("Accept", V2).containsEntry("Accept-Encoding", "gzip")
        .doesNotContainKey("If-None-Match");
    assertThat(results).containsOnlyOnce("miss").filteredOn("hit"::equals).hasSize(99);
  }

  @Test
  void revalidatesWithIfNoneMatchAfterTheTtlAndKeepsTheBodyOn304() {
    cache.get(req("/apis")).join();
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    DiscoveryCache.Response r = cache.get(req("/apis")).join();
    assertThat(body(r)).isEqualTo("{\"v\":1}");
    assertThat(fetches).hasSize(2);
    assertThat(fetches.get(1).headers()).containsEntry("If-None-Match", "\"abc\"");
    assertThat(results).containsExactly("miss", "revalidated");

    now.addAndGet(Duration.ofSeconds(11).toNanos());
    etag = "\"def\"";
    version = 2;
    assertThat(body(cache.get(req("/apis")).join())).isEqualTo("{\"v\":2}");
    assertThat(cache.get(req("/apis")).join().header("ETag")).contains("\"def\"");
  }

  @Test
  void concurrentRequestsShareOneUpstreamFetch() {
    hold = true;
    var a = cache.get(req("/api"));
    var b = cache.get(req("/api"));
    var c = cache.get(req("/api"));
    assertThat(fetches).hasSize(1);
    pending.forEach(f -> f.complete(null));
    assertThat(List.of(a.join(), b.join(), c.join())).allMatch(r -> r.status() == 200);
    assertThat(results).containsExactly("coalesced", "coalesced", "miss");
  }

  @Test
  void keysByAcceptEncodingAndTheClientsOwnCredential() {
    cache.get(req("/apis")).join();
    cache.get(new DiscoveryCache.Request("/apis", "application/json", "gzip", Optional.empty(), Optional.empty())).join();
    cache.get(new DiscoveryCache.Request("/apis", V2, "", Optional.empty(), Optional.empty())).join();
    var alice = new DiscoveryCache.Request("/apis", V2, "gzip", Optional.of("Bearer alice"), Optional.empty());
    cache.get(alice).join();
    cache.get(alice).join();
    cache.get(new DiscoveryCache.Request("/apis", V2, "gzip", Optional.of("Bearer bob"), Optional.empty())).join();
    assertThat(fetches).hasSize(5);
    assertThat(fetches.get(3).headers()).containsEntry("Authorization", "Bearer alice");
    assertThat(fetches.get(0).headers()).doesNotContainKey("Authorization");
  }

  @Test
  void answersAClientsMatchingIfNoneMatchWith304() {
    cache.get(req("/apis")).join();
    DiscoveryCache.Response r = cache.get(new DiscoveryCache.Request("/apis", V2, "gzip", Optional.empty(),
        Optional.of("W/\"zzz\", \"abc\""))).join();
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.header("ETag")).contains("\"abc\"");
  }

  @Test
  void errorsAreNotStored() {
    DiscoveryCache failing = new DiscoveryCache((p, h) -> {
      fetches.add(new Fetch(p, h));
      return CompletableFuture.completedFuture(new DiscoveryCache.Response(503, List.of(), new byte[0]));
    }, Duration.ofSeconds(10), now::get, results::add);
    assertThat(failing.get(req("/api")).join().status()).isEqualTo(503);
    assertThat(failing.get(req("/api")).join().status()).isEqualTo(503);
    assertThat(fetches).hasSize(2);
  }

  @Test
  void handlesOnlyDiscoveryDocuments() {
    assertThat(DiscoveryCache.handles("GET", "/api", Map.of())).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/apis", Map.of("timeout", List.of("32s")))).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/api/v1", Map.of())).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/apis/apps", Map.of())).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/apis/apps/v1", Map.of())).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/api/v1/pods", Map.of())).isFalse();
    assertThat(DiscoveryCache.handles("GET", "/apis/apps/v1/deployments", Map.of())).isFalse();
    assertThat(DiscoveryCache.handles("GET", "/apis/apps/v1", Map.of("watch", List.of("true")))).isFalse();
    assertThat(DiscoveryCache.handles("POST", "/api", Map.of())).isFalse();
    assertThat(DiscoveryCache.handles("GET", "/version", Map.of("timeout", List.of("5s")))).isTrue();
    assertThat(DiscoveryCache.handles("GET", "/healthz", Map.of())).isFalse();
    assertThat(DiscoveryCache.handles("GET", "/apis//v1", Map.of())).isFalse();
  }
}
