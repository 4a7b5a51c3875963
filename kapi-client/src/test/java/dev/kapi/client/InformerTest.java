package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class InformerTest {

  /** Mirrors the callbacks into its own map, to check they tell the same story as the cache. */
  static final class Mirror implements Informer.Handler {
    final Map<String, String> objects = new ConcurrentHashMap<>();
    final AtomicInteger adds = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger sameObjectUpdates = new AtomicInteger();

    @Override
    public void onAdd(ObjectNode o) {
      adds.incrementAndGet();
      objects.put(name(o), rv(o));
    }

    @Override
    public void onUpdate(ObjectNode old, ObjectNode current) {
      if (old == current) {
        sameObjectUpdates.incrementAndGet();
      }
      objects.put(name(current), rv(current));
    }

    @Override
    public void onDelete(ObjectNode last) {
      deletes.incrementAndGet();
      objects.remove(name(last));
    }
  }

  static String name(ObjectNode o) {
    return o.at("/metadata/name").asText();
  }

  static String rv(ObjectNode o) {
    return o.at("/metadata/resourceVersion").asText();
  }

  static Map<String, String> server(Resources r) {
    return r.list().collect(Collectors.toMap(InformerTest::name, InformerTest::rv, (a, b) -> a, TreeMap::new));
  }

  static Map<String, String> cache(Informer i) {
    return i.list().stream().collect(Collectors.toMap(InformerTest::name, InformerTest::rv, (a, b) -> a, TreeMap::new));
  }

  @Test
  void theCacheConvergesAfterAThousandRapidChanges(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("inf");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      for (int i = 0; i < 50; i++) {
        cms.create(TestClients.configMap("pre-" + i, "k", "0"));
      }
      Mirror mirror = new Mirror();
      try (Informer informer = cms.informer(ListOptions.all(), mirror, Duration.ZERO).start()) {
        assertThat(informer.awaitSynced(Duration.ofSeconds(30))).isTrue();
        assertThat(informer.size()).isGreaterThanOrEqualTo(50);

        // 1,000 changes from 4 writers: 500 creates, 300 updates, 200 deletes
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
          var futures = new java.util.ArrayList<Future<?>>();
          for (int w = 0; w < 4; w++) {
            int writer = w;
            futures.add(writers.submit(() -> {
              for (int i = 0; i < 125; i++) {
                String name = "w" + writer + "-" + i;
                ObjectNode cm = cms.create(TestClients.configMap(name, "k", "0"));
                if (i < 75) {
                  ((ObjectNode) cm.get("data")).put("k", "1");
                  cms.replace(cm);
                }
                if (i < 50) {
                  cms.delete(name);
                }
              }
            }));
          }
          for (Future<?> f : futures) {
            f.get();
          }
        } finally {
          writers.shutdown();
        }

        Map<String, String> truth = server(cms);
        await().atMost(Duration.ofSeconds(60)).until(() -> cache(informer).equals(truth));
        await().until(() -> new TreeMap<>(mirror.objects).equals(truth));
        assertThat(truth).hasSize(50 + 300);
        assertThat(mirror.adds.get() - mirror.deletes.get()).isEqualTo(350);
        assertThat(informer.lists()).isEqualTo(1);
      }
    }
  }

  @Test
  void anInformerRelistsAfterTheRestartedServerSays410AndLosesNothing(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("relist");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      for (int i = 0; i < 10; i++) {
        cms.create(TestClients.configMap("old-" + i, "k", "0"));
      }
      Mirror mirror = new Mirror();
      try (Informer informer = cms.informer(ListOptions.all(), mirror, Duration.ZERO).start()) {
        assertThat(informer.awaitSynced(Duration.ofSeconds(30))).isTrue();
        try {
          api.stopApiServer();
        } finally {
          api.startApiServer();
        }
        // changes after the restart, racing the informer's reconnect: it must end up with all of them
        for (int i = 0; i < 3; i++) {
          cms.delete("old-" + i);
        }
        for (int i = 0; i < 5; i++) {
          cms.create(TestClients.configMap("new-" + i, "k", "0"));
        }
        Map<String, String> truth = server(cms);
        await().atMost(Duration.ofSeconds(60)).until(() -> cache(informer).equals(truth));
        await().until(() -> new TreeMap<>(mirror.objects).equals(truth));
        assertThat(informer.lists()).isGreaterThanOrEqualTo(2); // the resumed watch got 410 Expired: it listed again
        assertThat(mirror.deletes.get()).isEqualTo(3);
      }
    } finally {
      if (!api.isApiServerRunning()) {
        api.startApiServer();
      }
    }
  }

  @Test
  void resyncRedeliversEveryCachedObjectAndCloseStopsTheThreads(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("resync");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      cms.create(TestClients.configMap("r", "k", "0"));
      Mirror mirror = new Mirror();
      Informer informer = cms.informer(ListOptions.all(), mirror, Duration.ofMillis(200)).start();
      await().until(() -> mirror.sameObjectUpdates.get() >= 2);
      informer.close();
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("kapi-informer") && t.isAlive()
          && t.getName().contains("configmaps"));
    }
  }
}
