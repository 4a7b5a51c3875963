package dev.kapi.proxy.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.proxy.admin.JdkUpstreamClient;
import dev.kapi.proxy.observe.UpstreamObserver;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The discovery cache against the real API server: its ETag revalidation is what the cache relies on. */
@ExtendWith(ApiServerExtension.class)
class DiscoverySideChannelApiServerTest {

  static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

  @Test
  void aggregatedDiscoveryIsFetchedOnceThenRevalidatedWith304(ApiServer api) {
    ClusterConfig config = ClusterConfig.builder().server(api.url())
        .tls(TlsSettings.builder().caFile(api.caFile()).build())
        .credentials(Credentials.staticToken(api.adminToken())).build();
    AtomicInteger sent = new AtomicInteger();
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    UpstreamObserver counting = new UpstreamObserver() {
      @Override
      public void requestSent() {
        sent.incrementAndGet();
      }

      @Override
      public void responseReceived(int status) {
        statuses.add(status);
      }
    };
    AtomicLong now = new AtomicLong();
    List<String> results = new CopyOnWriteArrayList<>();
    DiscoveryCache cache = new DiscoveryCache(new JdkDiscoveryFetcher(new JdkUpstreamClient(config),
        Duration.ofSeconds(10), counting), Duration.ofSeconds(10), now::get, results::add);
    DiscoveryCache.Request apis = new DiscoveryCache.Request("/apis", V2, "", Optional.empty(), Optional.empty());

    DiscoveryCache.Response first = cache.get(apis).join();
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Content-Type").orElseThrow()).contains("as=APIGroupDiscoveryList");
    String etag = first.header("ETag").orElseThrow();
    assertThat(new String(first.body())).contains("\"kind\":\"APIGroupDiscoveryList\"").contains("\"apps\"");
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get(apis).join().body()).isEqualTo(first.body());
    }
    assertThat(sent).hasValue(1);

    now.addAndGet(Duration.ofSeconds(11).toNanos());
    DiscoveryCache.Response again = cache.get(apis).join();
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(sent).hasValue(2);
    assertThat(statuses).containsExactly(200, 304);
    assertThat(results).containsExactly("miss", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit",
        "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "hit", "revalidated");

    DiscoveryCache.Response notModified = cache.get(new DiscoveryCache.Request("/apis", V2, "", Optional.empty(),
        Optional.of(etag))).join();
    assertThat(notModified.status()).isEqualTo(304);
  }
}
