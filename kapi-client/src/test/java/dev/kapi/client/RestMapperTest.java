package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RestMapperTest {

  static ResourceType rt(String group, String version, String resource, String kind, boolean preferred, String... shortNames) {
    return new ResourceType(group, version, resource, kind, "", true, List.of(shortNames), List.of("get", "list"), List.of(),
        List.of(), preferred);
  }

  static final List<ResourceType> DISCOVERY = List.of(
      rt("", "v1", "pods", "Pod", true, "po"),
      rt("", "v1", "events", "Event", true, "ev"),
      rt("apps", "v1", "deployments", "Deployment", true, "deploy"),
      rt("events.k8s.io", "v1", "events", "Event", true, "ev"),
      rt("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa"),
      rt("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", false, "hpa"),
      rt("batch", "v1", "cronjobs", "CronJob", true, "cj"),
      rt("example.com", "v1", "pollers", "Poller", true, "pods")); // a CRD claiming a core plural as short name

  static String match(String s) {
    return RestMapper.match(DISCOVERY, s).map(ResourceType::toString).orElse("none");
  }

  @Test
  void pluralSingularShortNameAndKindAllResolve() {
    assertThat(match("cronjobs")).isEqualTo("batch/v1 cronjobs");
    assertThat(match("cronjob")).isEqualTo("batch/v1 cronjobs");
    assertThat(match("cj")).isEqualTo("batch/v1 cronjobs");
    assertThat(match("CronJob")).isEqualTo("batch/v1 cronjobs");
    assertThat(match("cronJOB")).isEqualTo("batch/v1 cronjobs");
  }

  @Test
  void theCoreGroupAndPreferredVersionWinAmbiguousNames() {
    assertThat(match("events")).isEqualTo("v1 events");
    assertThat(match("hpa")).isEqualTo("autoscaling/v2 horizontalpodautoscalers");
  }

  @Test
  void groupAndVersionQualifiersSelect() {
    assertThat(match("events.events.k8s.io")).isEqualTo("events.k8s.io/v1 events");
    assertThat(match("hpa.v1.autoscaling")).isEqualTo("autoscaling/v1 horizontalpodautoscalers");
    assertThat(match("horizontalpodautoscalers.autoscaling")).isEqualTo("autoscaling/v2 horizontalpodautoscalers");
    assertThat(match("deploy.apps")).isEqualTo("apps/v1 deployments");
    assertThat(match("pods.v1")).isEqualTo("v1 pods");
    assertThat(match("deployments.nosuch")).isEqualTo("none");
    // the start of a group is enough for kubectl 1.32 (checked against it): events.events, deployments.ap
    assertThat(match("events.events")).isEqualTo("events.k8s.io/v1 events");
    assertThat(match("deployments.ap")).isEqualTo("apps/v1 deployments");
    assertThat(match("pollers.example")).isEqualTo("example.com/v1 pollers");
    assertThat(match("events.k8s")).isEqualTo("none");
  }

  @Test
  void anExactPluralBeatsAShortNameACustomResourceClaims() {
    assertThat(match("pods")).isEqualTo("v1 pods");
    assertThat(match("pollers")).isEqualTo("example.com/v1 pollers");
  }

  @Test
  void blanksAndUnknownNamesDoNotMatch() {
    assertThat(match("")).isEqualTo("none");
    assertThat(match("  ")).isEqualTo("none");
    assertThat(match("widgets")).isEqualTo("none");
  }

  @Test
  void pathsAreBuiltFromValidatedSegments() {
    ResourceType cj = DISCOVERY.get(6);
    assertThat(cj.objectPath("ns", "x")).isEqualTo("/apis/batch/v1/namespaces/ns/cronjobs/x");
    assertThat(DISCOVERY.get(0).collectionPath(null)).isEqualTo("/api/v1/pods");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cj.objectPath("ns", "../secrets"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("may not contain '/'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cj.objectPath("..", "x")).isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cj.objectPath("ns", "a%2Fb")).isInstanceOf(IllegalArgumentException.class);
  }
}
