package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An expired {@code continue} token against the real kube-apiserver: after etcd is compacted past the token's
 * resourceVersion, continuing is a typed {@link KubeApiException.Gone} with the server's own message, both for one
 * {@link Resources#listPage page} and for the lazy {@link Resources#list stream}, which must not start over.
 *
 * <p>A 1.36 server first serves such tokens from its watch cache's snapshots (ListFromCacheSnapshot); it drops
 * the snapshots older than a compaction it learns of through {@code compact_rev_key}, polled every 15 s, and then
 * sends the token to etcd, which refuses it. {@link EtcdCompaction} compacts the way the API server's own
 * compactor does; the tests wait (bounded) for the server to act on it.
 */
@ExtendWith(ApiServerExtension.class)
class ExpiredContinueTest {

  static final String TOO_OLD = "The provided continue parameter is too old to display a consistent list result.";

  /** How long the API server may take to notice a compaction: its watch loop (1 s) plus the cache's poll (15 s). */
  static final Duration NOTICED = Duration.ofSeconds(60);

  @Test
  void continuingAListAfterEtcdIsCompactedPastItIsATypedGoneWithTheServersMessage(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("expired");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("configmaps").inNamespace(ns);
      createConfigMaps(cms, "cm-0", "cm-1", "cm-2");

      ListPage first = cms.listPage(ListOptions.all().withLimit(1));
      assertThat(first.items()).extracting(o -> o.at("/metadata/name").asText()).containsExactly("cm-0");
      String token = first.continueToken().orElseThrow();

      createConfigMaps(cms, "cm-3", "cm-4"); // writes after the token: the compaction goes past its resourceVersion
      long compacted = EtcdCompaction.compactToCurrentRevision(api);
      assertThat(compacted).isGreaterThan(Long.parseLong(first.resourceVersion()));

      KubeApiException.Gone gone = awaitGone(cms, token);

      assertThat(gone.code()).isEqualTo(410);
      assertThat(gone.reason()).isEqualTo("Expired");
      assertThat(gone.isGone()).isTrue();
      assertThat(gone.status().message()).startsWith(TOO_OLD);
      assertThat(gone).hasMessageStartingWith(TOO_OLD).hasMessageEndingWith("(Expired)");

      // the server's offer: the rest of the list, inconsistently, from a token of its own
      String rest = gone.status().inconsistentContinue().orElseThrow();
      assertThat(rest).isNotEqualTo(token);
      ListPage remainder = cms.listPage(ListOptions.all().withLimit(10).withContinue(rest));
      assertThat(remainder.items()).extracting(o -> o.at("/metadata/name").asText())
          .containsExactly("cm-1", "cm-2", "cm-3", "cm-4");
    }
  }

  @Test
  void theLazyStreamThrowsGoneWhenItsSnapshotIsCompactedAwayAndNeverRestartsOrSkips(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("expired-stream");
    List<String> log = TestClients.lines();
    try (KubeClient kube = TestClients.adminLogging(api, log); KubeClient probeClient = TestClients.admin(api)) {
      Resources cms = kube.resources("configmaps").inNamespace(ns);
      createConfigMaps(cms, "cm-0", "cm-1", "cm-2", "cm-3");
      log.clear();

      Iterator<ObjectNode> stream = cms.list(ListOptions.all().withLimit(1)).iterator();
      List<String> seen = new ArrayList<>();
      seen.add(stream.next().at("/metadata/name").asText());
      // a second token, taken after the stream's first page, so its resourceVersion is at least the stream's: once
      // the server refuses it, it refuses the stream's too (it drops every snapshot older than the compaction)
      String probe = probeClient.resources("configmaps").inNamespace(ns).listPage(ListOptions.all().withLimit(1))
          .continueToken().orElseThrow();

      // changes a restarted or inconsistent list would show: one object gone, one new
      cms.delete("cm-1");
      createConfigMaps(cms, "cm-4");
      EtcdCompaction.compactToCurrentRevision(api);
      awaitGone(probeClient.resources("configmaps").inNamespace(ns), probe);

      assertThatThrownBy(stream::hasNext).isInstanceOf(KubeApiException.Gone.class).hasMessageStartingWith(TOO_OLD);
      assertThat(seen).containsExactly("cm-0"); // the first page only: nothing from a new list, nothing partial
      // asking again does not quietly start a new list either: the same token, refused again
      assertThatThrownBy(stream::hasNext).isInstanceOf(KubeApiException.Gone.class);

      List<String> requests = log.stream().filter(l -> l.startsWith("GET ") && l.contains("/configmaps?")).toList();
      assertThat(requests).hasSize(3);
      assertThat(requests.get(0)).doesNotContain("continue=");
      String token = requests.get(1).replaceAll(".*continue=([^& ]+).*", "$1");
      assertThat(requests.subList(1, 3)).allSatisfy(r -> assertThat(r).contains("continue=" + token).contains(" 410 "));
    }
  }

  private static void createConfigMaps(Resources cms, String... names) {
    for (String n : names) {
      cms.create(TestClients.configMap(n, "k", "v"));
    }
  }

  /** Continues with {@code token} until the server refuses it (until then it serves the next page from its cache). */
  private static KubeApiException.Gone awaitGone(Resources cms, String token) {
    return await().atMost(NOTICED).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          try {
            cms.listPage(ListOptions.all().withLimit(1).withContinue(token));
            return Optional.<KubeApiException.Gone>empty();
          } catch (KubeApiException.Gone e) {
            return Optional.of(e);
          }
        }, Optional::isPresent).orElseThrow();
  }
}
