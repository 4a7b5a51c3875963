package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class PagingTest {

  @Test
  void pagingThrough2500ConfigMapsYieldsEachExactlyOnceAndLargeListsArriveGzipped(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("paging");
    List<String> log = TestClients.lines();
    try (KubeClient kube = TestClients.adminLogging(api, log)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        var futures = new java.util.ArrayList<Future<?>>();
        for (int w = 0; w < 4; w++) {
          int writer = w;
          futures.add(pool.submit(() -> {
            for (int i = writer; i < 2500; i += 4) {
              cms.create(TestClients.configMap(String.format("cm-%04d", i), "payload", "x".repeat(64)));
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      log.clear();

      List<String> names = cms.list(ListOptions.all().withLimit(500)).map(o -> o.at("/metadata/name").asText())
          .filter(n -> n.startsWith("cm-")).collect(Collectors.toList());

      assertThat(names).hasSize(2500);
      assertThat(new HashSet<>(names)).hasSize(2500);
      List<String> pages = log.stream().filter(l -> l.contains("/configmaps?limit=500")).toList();
      assertThat(pages).hasSize(5); // 2,500 objects (no controllers here, so no kube-root-ca.crt) in pages of 500
      assertThat(pages.subList(1, pages.size())).allMatch(l -> l.contains("continue="));

      // one unpaged list is over the server's 128 KiB gzip threshold: it comes compressed and is decoded
      try (KubeResponse r = kube.send(KubeRequest.get(cms.type().collectionPath(ns)).build())) {
        assertThat(r.header("Content-Encoding")).contains("gzip");
        JsonNode all = kube.json().readTree(r.body());
        Set<String> unpaged = new HashSet<>(all.path("items").findValuesAsText("name"));
        assertThat(unpaged).containsAll(names);
      }
    }
  }

  @Test
  void aPagedListAtAnExactResourceVersionReadsEveryPageFromThatSnapshot(ApiServer api) {
    String ns = api.uniqueNamespace("paging-rv");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      for (int i = 0; i < 5; i++) {
        cms.create(TestClients.configMap("before-" + i, "k", "v"));
      }
      String snapshot = cms.listPage(ListOptions.all().withLimit(1)).resourceVersion();
      cms.create(TestClients.configMap("after", "k", "v"));

      // the API server forbids resourceVersion and resourceVersionMatch beside continue: the token carries the snapshot
      for (String match : List.of("Exact", "NotOlderThan")) {
        List<String> names = cms.list(ListOptions.all().withLimit(2).withResourceVersion(snapshot)
            .withResourceVersionMatch(match)).map(o -> o.at("/metadata/name").asText()).toList();
        if (match.equals("Exact")) {
          assertThat(names).containsExactly("before-0", "before-1", "before-2", "before-3", "before-4");
        } else {
          assertThat(names).contains("before-0", "before-4", "after");
        }
      }
    }
  }
}
