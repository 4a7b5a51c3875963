package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class WatchTest {

  /** Iterates a watch on its own thread, collecting "TYPE name" lines and the exception that ended it. */
  static final class Collector implements AutoCloseable {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    final Watch watch;
    final Thread thread;

    Collector(Watch watch) {
      this.watch = watch;
      this.thread = new Thread(() -> {
        try {
          for (WatchEvent e : watch) {
            events.add(e.type() + " " + e.name());
          }
        } catch (RuntimeException e) {
          failure.set(e);
        }
      }, "test-watch-collector");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      watch.close();
      thread.join(10_000);
    }
  }

  @Test
  void aWatchSeesCreateUpdateDeleteInOrder(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("watch");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      String rv = cms.listPage(ListOptions.all()).resourceVersion();
      try (Collector c = new Collector(cms.watch(ListOptions.all().withResourceVersion(rv)))) {
        var cm = cms.create(TestClients.configMap("w", "k", "1"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) cm.get("data")).put("k", "2");
        cms.replace(cm);
        cms.delete("w");

        await().until(() -> c.events.size() >= 3);
        assertThat(c.events).containsExactly("ADDED w", "MODIFIED w", "DELETED w");
        assertThat(c.failure.get()).isNull();
      }
    }
  }

  @Test
  void aWatchResumesWithoutLossEachTimeTheServerEndsTheConnection(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("resume");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      String rv = cms.listPage(ListOptions.all()).resourceVersion();
      try (Collector c = new Collector(cms.watch(ListOptions.all().withResourceVersion(rv).withTimeoutSeconds(1)))) {
        List<String> expected = new CopyOnWriteArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
          for (int i = 0; i < 5; i++) {
            String name = "b" + batch + "-" + i;
            cms.create(TestClients.configMap(name, "k", "v"));
            expected.add("ADDED " + name);
          }
          int ended = c.watch.reconnects();
          await().atMost(Duration.ofSeconds(20)).until(() -> c.watch.reconnects() > ended); // the server closed it (timeoutSeconds=1)
        }
        await().until(() -> c.events.size() >= expected.size());
        assertThat(c.events).containsExactlyElementsOf(expected);
        assertThat(c.watch.reconnects()).isGreaterThanOrEqualTo(4);
        assertThat(c.failure.get()).isNull();
      }
    }
  }

  @Test
  void aWatchFromAResourceVersionTheServerNoLongerHasIsGone(ApiServer api) {
    String ns = api.uniqueNamespace("gone");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      IntStream.range(0, 5).forEach(i -> cms.create(TestClients.configMap("g" + i, "k", "v")));
      assertThatThrownBy(() -> {
        try (Watch w = cms.watch(ListOptions.all().withResourceVersion("1"))) {
          w.hasNext();
        }
      }).isInstanceOfSatisfying(KubeApiException.Gone.class, e -> {
        assertThat(e.code()).isEqualTo(410);
        assertThat(e.reason()).isEqualTo("Expired");
        assertThat(e.getMessage()).contains("too old resource version");
      });
    }
  }

  @Test
  void afterAnApiServerRestartTheResumedWatchLearnsItsHistoryIsGone(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("restart");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      String rv = cms.listPage(ListOptions.all()).resourceVersion();
      try (Collector c = new Collector(cms.watch(ListOptions.all().withResourceVersion(rv)))) {
        String last = cms.create(TestClients.configMap("before", "k", "v")).at("/metadata/resourceVersion").asText();
        await().until(() -> c.events.contains("ADDED before"));
        try {
          api.stopApiServer();
        } finally {
          api.startApiServer();
        }
        // the restarted server's watch cache begins after our last event: the watch resumes and is told 410
        await().atMost(Duration.ofSeconds(60)).until(() -> c.failure.get() != null);
        assertThat(c.failure.get()).isInstanceOf(KubeApiException.Gone.class).hasMessageContaining("too old resource version: " + last);
        assertThat(c.watch.resourceVersion()).isEqualTo(last);
        assertThat(c.watch.reconnects()).isGreaterThanOrEqualTo(1);
      }
    } finally {
      if (!api.isApiServerRunning()) {
        api.startApiServer();
      }
    }
  }

  @Test
  void theHeaderTimeoutNeverCutsAQuietWatchBody(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("quiet");
    var config = TestClients.adminConfig(api).toBuilder().requestTimeout(Duration.ofMillis(500)).build();
    try (KubeClient kube = KubeClient.create(config)) {
      // nothing happens for 3 s, six times the header timeout; the server then ends the stream cleanly
      try (KubeResponse r = kube.send(KubeRequest.get("/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=3").build())) {
        byte[] body = r.body().readAllBytes();
        assertThat(new String(body)).doesNotContain("ERROR");
      }
    }
  }

  @Test
  void closingAWatchFromAnotherThreadEndsTheIteration(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("close");
    try (KubeClient kube = TestClients.admin(api)) {
      Collector c = new Collector(kube.resources("cm").inNamespace(ns).watch(ListOptions.all()));
      c.close();
      assertThat(c.thread.isAlive()).isFalse();
      assertThat(c.failure.get()).isNull();
      assertThat(c.watch.hasNext()).isFalse();
    }
  }
}
