package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class DiscoveryTest {

  @Test
  void aggregatedDiscoveryListsCoreAndGroupResourcesWithPreferredVersionsFirst(ApiServer api) {
    try (KubeClient kube = TestClients.admin(api)) {
      Discovery d = kube.discovery();

      assertThat(d.aggregated()).isTrue();
      assertThat(d.groupVersions()).contains("v1", "batch/v1", "apps/v1", "autoscaling/v2", "autoscaling/v1");
      ResourceType cronjobs = d.resources().stream().filter(r -> r.resource().equals("cronjobs")).findFirst().orElseThrow();
      assertThat(cronjobs.apiVersion()).isEqualTo("batch/v1");
      assertThat(cronjobs.kind()).isEqualTo("CronJob");
      assertThat(cronjobs.singular()).isEqualTo("cronjob");
      assertThat(cronjobs.shortNames()).containsExactly("cj");
      assertThat(cronjobs.namespaced()).isTrue();
      assertThat(cronjobs.subresources()).contains("status");
      ResourceType hpa = d.preferredResources().stream().filter(r -> r.resource().equals("horizontalpodautoscalers"))
          .findFirst().orElseThrow();
      assertThat(hpa.version()).isEqualTo("v2");
      assertThat(d.resources().get(0).group()).isEmpty();
    }
  }

  @Test
  void restMapperResolvesShortSingularKindAndGroupQualifiedNames(ApiServer api) {
    try (KubeClient kube = TestClients.admin(api)) {
      RestMapper m = kube.discovery().mapper();

      assertThat(m.resolve("cj").toString()).isEqualTo("batch/v1 cronjobs");
      assertThat(m.resolve("cronjob").toString()).isEqualTo("batch/v1 cronjobs");
      assertThat(m.resolve("CronJob").toString()).isEqualTo("batch/v1 cronjobs");
      assertThat(m.resolve("jobs.batch").toString()).isEqualTo("batch/v1 jobs");
      assertThat(m.resolve("jobs.v1.batch").toString()).isEqualTo("batch/v1 jobs");
      assertThat(m.resolve("deploy").toString()).isEqualTo("apps/v1 deployments");
      assertThat(m.resolve("cm").toString()).isEqualTo("v1 configmaps");
      assertThat(m.resolve("hpa.v1.autoscaling").toString()).isEqualTo("autoscaling/v1 horizontalpodautoscalers");
      assertThat(m.forKind("apps/v1", "Deployment").resource()).isEqualTo("deployments");
      assertThatThrownBy(() -> m.resolve("nosuchthings")).isInstanceOf(UnknownResourceException.class)
          .hasMessageContaining("doesn't have a resource type \"nosuchthings\"");
    }
  }

  @Test
  void revalidationWithEtagKeepsTheCacheAndAMissRefreshesToFindANewCustomResource(ApiServer api) throws Exception {
    List<String> log = TestClients.lines();
    try (KubeClient kube = KubeClient.builder(TestClients.adminConfig(api)).discoveryTtl(Duration.ofHours(1))
        .requestLog(log::add, false).build()) {
      List<ResourceType> before = kube.discovery().resources();
      kube.discovery().refresh();
      assertThat(kube.discovery().resources()).isSameAs(before); // both roots answered 304
      assertThat(log).anyMatch(l -> l.contains("/apis 304"));

      String plural = Crds.create(api, "gadgets");
      ResourceType gadget = kube.discovery().mapper().resolve("gadget"); // a miss, then a refresh finds it
      assertThat(gadget.resource()).isEqualTo(plural);
      assertThat(gadget.group()).isEqualTo(Crds.GROUP);
      assertThat(kube.discovery().mapper().resolve(plural + "." + Crds.GROUP)).isEqualTo(gadget);
    }
  }
}
