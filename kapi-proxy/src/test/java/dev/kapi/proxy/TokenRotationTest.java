package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import dev.kapi.config.Credentials;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import dev.kapi.testing.PodView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet rotates the projected token by swapping {@code ..data}; the old token is then revoked. kubectl proxy
 * with {@code --token} never recovers. Here no request fails, and a 401 is cured by one refresh.
 */
@ExtendWith(ApiServerExtension.class)
class TokenRotationTest {

  private static final List<ApiServer.Rule> READ = List.of(
      ApiServer.Rule.of("", List.of("configmaps"), "get", "list"));

  @Test
  void requestsKeepSucceedingWhileTheTokenIsRotatedAndTheOldOneRevoked(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("rotate");
    PodView pod = api.podView(ns, "app", "first-token-binding");
    keepSucceedingThroughARotation(api, ns, pod, c -> c);
  }

  /**
   * The seed's ambassador script: {@code --server=… --certificate-authority=… --token="$(cat token)"}. kubectl proxy
   * never re-reads such a token; kapi sees it is the Pod's own and reads the file instead.
   */
  @Test
  void theSeedsTokenFlagCopiedFromTheFileFollowsTheRotationToo(ApiServer api, @TempDir Path home) throws Exception {
    String ns = api.uniqueNamespace("rotate-flag");
    PodView pod = api.podView(ns, "app", "first-token-binding");
    ConfigFlags seedFlags = ConfigFlags.builder().server(api.url().toString()).certificateAuthority(pod.caFile())
        .token(pod.token()).build();
    keepSucceedingThroughARotation(api, ns, pod, c -> new ConfigLoader(pod.envWithDirectory(), home).load(seedFlags));
  }

  private static void keepSucceedingThroughARotation(ApiServer api, String ns, PodView pod,
      UnaryOperator<ClusterConfig> configure) throws Exception {
    try (PodProxy p = PodProxy.start(api, pod, "app", READ, b -> { }, configure)) {
      String oldToken = pod.token();
      String path = "/api/v1/namespaces/" + ns + "/configmaps";
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread load = new Thread(() -> {
        while (running.get()) {
          statuses.computeIfAbsent(p.get(path).statusCode(), k -> new AtomicInteger()).incrementAndGet();
        }
      }, "steady-requests");
      load.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> total(statuses) > 20);
        pod.rotateToken(api.mintToken(ns, "app", Duration.ofHours(1)));
        api.deleteSecret(ns, "first-token-binding");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> p.directWithToken(path, oldToken).statusCode() == 401);
        int atRevocation = total(statuses);
        await().atMost(Duration.ofSeconds(30)).until(() -> total(statuses) > atRevocation + 50);
      } finally {
        running.set(false);
        load.join();
      }
      assertThat(statuses.keySet()).as("every status seen through the proxy").containsOnly(200);
    }
  }

  @Test
  void a401IsCuredByRefreshingTheCredentialOnce(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("refresh");
    PodView pod = api.podView(ns, "app", "binding");
    AtomicReference<CachingCredentials> creds = new AtomicReference<>();
    try (PodProxy p = PodProxy.start(api, pod, "app", READ, b -> { }, c -> withCaching(c, creds))) {
      String path = "/api/v1/namespaces/" + ns + "/configmaps";
      assertThat(p.get(path).statusCode()).isEqualTo(200);
      String oldToken = pod.token();
      pod.rotateToken(api.mintToken(ns, "app", Duration.ofHours(1)));
      api.deleteSecret(ns, "binding");
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> p.directWithToken(path, oldToken).statusCode() == 401);
      // the caching credential still hands out the revoked token: the API server answers 401, the proxy asks
      // for a refresh (client-go's reset on 401) and replays the GET once with the new token
      assertThat(p.get(path).statusCode()).isEqualTo(200);
      assertThat(creds.get().refreshes.get()).isEqualTo(1);
    }
  }

  private static ClusterConfig withCaching(ClusterConfig c, AtomicReference<CachingCredentials> holder) {
    CachingCredentials caching = new CachingCredentials(c.credentials());
    holder.set(caching);
    return c.toBuilder().credentials(caching).build();
  }

  /** Holds on to the first value until told about a 401, like a credential cached for a minute. */
  static final class CachingCredentials implements Credentials {
    private final Credentials file;
    private volatile String cached;
    final AtomicInteger refreshes = new AtomicInteger();

    CachingCredentials(Credentials file) {
      this.file = file;
    }

    @Override
    public Optional<String> authorization() {
      if (cached == null) {
        cached = file.authorization().orElseThrow();
      }
      return Optional.of(cached);
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
      refreshes.incrementAndGet();
      cached = file.authorization().orElseThrow();
      return !cached.equals(rejected);
    }

    @Override
    public String describe() {
      return "caching " + file.describe();
    }
  }

  private static int total(Map<Integer, AtomicInteger> statuses) {
    return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
