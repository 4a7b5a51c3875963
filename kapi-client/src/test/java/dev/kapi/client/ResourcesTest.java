package dev.kapi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiServerExtension.class)
class ResourcesTest {

  @Test
  void configMapCrudRoundTrip(ApiServer api) {
    String ns = api.uniqueNamespace("crud");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);

      ObjectNode created = cms.create(TestClients.configMap("one", "k", "v1"));
      assertThat(created.at("/metadata/uid").asText()).isNotEmpty();

      ObjectNode read = cms.get("one");
      assertThat(read.at("/data/k").asText()).isEqualTo("v1");
      assertThat(read.at("/metadata/namespace").asText()).isEqualTo(ns);

      ((ObjectNode) read.get("data")).put("k", "v2");
      ObjectNode replaced = cms.replace(read);
      assertThat(replaced.at("/data/k").asText()).isEqualTo("v2");
      assertThat(cms.list().map(o -> o.at("/metadata/name").asText())).contains("one");
      assertThat(cms.list().filter(o -> o.at("/metadata/name").asText().equals("one")).findFirst().orElseThrow()
          .path("kind").asText()).isEqualTo("ConfigMap");

      cms.delete("one");
      assertThatThrownBy(() -> cms.get("one")).isInstanceOf(KubeApiException.NotFound.class)
          .hasMessageContaining("configmaps \"one\" not found");
    }
  }

  @Test
  void createFromYamlAndAlreadyExistsIsTyped(ApiServer api) {
    String ns = api.uniqueNamespace("yaml");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("configmaps").inNamespace(ns);
      String yaml = """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: from-yaml
          data:
            greeting: hello
          """;
      assertThat(cms.create(yaml).at("/data/greeting").asText()).isEqualTo("hello");
      KubeApiException e = org.junit.jupiter.api.Assertions.assertThrows(KubeApiException.AlreadyExists.class, () -> cms.create(yaml));
      assertThat(e.isAlreadyExists()).isTrue();
      assertThat(e.code()).isEqualTo(409);
      assertThat(e.status().details().name()).isEqualTo("from-yaml");

      // kubectl resolves anchors and aliases; a mapper sent the alias's name, "g", as the value
      ObjectNode aliased = cms.create("""
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: aliased
            labels: &labels {app: demo}
          data:
            greeting: &g hello
            again: *g
            <<: *labels
          """);
      assertThat(aliased.at("/data/again").asText()).isEqualTo("hello");
      assertThat(aliased.at("/data/app").asText()).isEqualTo("demo");
    }
  }

  @Test
  void replaceWithAStaleResourceVersionIsAConflict(ApiServer api) {
    String ns = api.uniqueNamespace("conflict");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      ObjectNode v1 = cms.create(TestClients.configMap("c", "k", "1"));
      ObjectNode stale = v1.deepCopy();
      ((ObjectNode) v1.get("data")).put("k", "2");
      cms.replace(v1);

      ((ObjectNode) stale.get("data")).put("k", "3");
      assertThatThrownBy(() -> cms.replace(stale)).isInstanceOf(KubeApiException.Conflict.class)
          .hasMessageContaining("the object has been modified");
      assertThat(cms.get("c").at("/data/k").asText()).isEqualTo("2");
    }
  }

  @Test
  void dryRunCreateValidatesButStoresNothing(ApiServer api) {
    String ns = api.uniqueNamespace("dry");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      ObjectNode answer = cms.create(TestClients.configMap("dry", "k", "v"), WriteOptions.defaults().withDryRun());
      assertThat(answer.at("/metadata/name").asText()).isEqualTo("dry");
      assertThatThrownBy(() -> cms.get("dry")).isInstanceOf(KubeApiException.NotFound.class);
    }
  }

  @Test
  void invalidObjectsReportFieldCauses(ApiServer api) {
    String ns = api.uniqueNamespace("invalid");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      KubeApiException.Invalid e = org.junit.jupiter.api.Assertions.assertThrows(KubeApiException.Invalid.class,
          () -> cms.create(TestClients.configMap("Not_Valid", "k", "v")));
      assertThat(e.causes()).extracting(KubeStatus.Cause::field).contains("metadata.name");
      assertThat(e.code()).isEqualTo(422);
    }
  }

  @Test
  void patchesOfEveryKindApply(ApiServer api) {
    String ns = api.uniqueNamespace("patch");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      cms.create(TestClients.configMap("p", "a", "1"));

      cms.patch("p", PatchType.JSON, "[{\"op\":\"add\",\"path\":\"/data/b\",\"value\":\"2\"}]", WriteOptions.defaults());
      cms.patch("p", PatchType.MERGE, "{\"data\":{\"a\":null,\"c\":\"3\"}}", WriteOptions.defaults());
      ObjectNode after = cms.patch("p", PatchType.STRATEGIC, "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", WriteOptions.defaults());

      assertThat(after.at("/data").toString()).isEqualTo("{\"b\":\"2\",\"c\":\"3\"}");
      assertThat(after.at("/metadata/labels/x").asText()).isEqualTo("y");
    }
  }

  @Test
  void strategicMergeOnACustomResourceFailsWithAHintToUseMergePatch(ApiServer api) {
    String ns = api.uniqueNamespace("smp");
    String plural = Crds.create(api, "widgets");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources widgets = kube.resources(plural + "." + Crds.GROUP).inNamespace(ns);
      widgets.create("""
          {"apiVersion":"test.kapi.dev/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1}}""");

      assertThatThrownBy(() -> widgets.patch("w", PatchType.STRATEGIC, "{\"spec\":{\"size\":2}}", WriteOptions.defaults()))
          .isInstanceOf(KubeApiException.UnsupportedMediaType.class)
          .hasMessageContaining("use PatchType.MERGE");
      assertThat(widgets.patch("w", PatchType.MERGE, "{\"spec\":{\"size\":2}}", WriteOptions.defaults()).at("/spec/size").asInt())
          .isEqualTo(2);
    }
  }

  @Test
  void serverSideApplyConflictsWithAnotherManagerUntilForced(ApiServer api) {
    String ns = api.uniqueNamespace("ssa");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      cms.apply(TestClients.configMap("shared", "owner", "alice"), WriteOptions.fieldManager("alice"));

      KubeApiException.Conflict conflict = org.junit.jupiter.api.Assertions.assertThrows(KubeApiException.Conflict.class,
          () -> cms.apply(TestClients.configMap("shared", "owner", "bob"), WriteOptions.fieldManager("bob")));
      assertThat(conflict.conflicts()).extracting(KubeStatus.Cause::field).contains(".data.owner");
      assertThat(conflict.getMessage()).contains("alice");

      ObjectNode forced = cms.apply(TestClients.configMap("shared", "owner", "bob"), WriteOptions.fieldManager("bob").withForce());
      assertThat(forced.at("/data/owner").asText()).isEqualTo("bob");
      List<String> managers = forced.at("/metadata/managedFields").findValuesAsText("manager");
      assertThat(managers).contains("bob");
    }
  }

  @Test
  void statusAndScaleSubresources(ApiServer api) {
    String ns = api.uniqueNamespace("sub");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources deployments = kube.resources("deploy").inNamespace(ns);
      deployments.create("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            replicas: 1
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: c, image: example.invalid/none}]}
          """);

      ObjectNode scale = deployments.scale("web", 3);
      assertThat(scale.path("kind").asText()).isEqualTo("Scale");
      assertThat(deployments.getScale("web").at("/spec/replicas").asInt()).isEqualTo(3);
      assertThat(deployments.get("web").at("/spec/replicas").asInt()).isEqualTo(3);

      deployments.patchStatus("web", PatchType.MERGE, "{\"status\":{\"observedGeneration\":7,\"replicas\":2}}");
      assertThat(deployments.getStatus("web").at("/status/replicas").asInt()).isEqualTo(2);
      ObjectNode s = deployments.getStatus("web");
      ((ObjectNode) s.get("status")).put("replicas", 1);
      assertThat(deployments.replaceStatus(s).at("/status/replicas").asInt()).isEqualTo(1);
    }
  }

  @Test
  void deleteSendsPropagationPolicyAndDeleteCollectionHonoursSelectors(ApiServer api) {
    String ns = api.uniqueNamespace("del");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources cms = kube.resources("cm").inNamespace(ns);
      cms.create(TestClients.configMap("fg", "k", "v"));
      // no garbage collector runs here, so a foreground delete leaves the object waiting on its finalizer: proof it was sent
      JsonNode answer = cms.delete("fg", DeleteOptions.propagation("Foreground").withGracePeriodSeconds(0));
      assertThat(answer.at("/metadata/finalizers").toString()).contains("foregroundDeletion");
      assertThat(cms.get("fg").at("/metadata/deletionTimestamp").asText()).isNotEmpty();

      for (int i = 0; i < 3; i++) {
        ObjectNode cm = TestClients.configMap("sel-" + i, "k", "v");
        ((ObjectNode) cm.get("metadata")).putObject("labels").put("batch", i < 2 ? "a" : "b");
        cms.create(cm);
      }
      cms.deleteCollection(ListOptions.labelSelector("batch=a"), DeleteOptions.defaults());
      assertThat(cms.list(ListOptions.labelSelector("batch")).map(o -> o.at("/metadata/name").asText())).containsExactly("sel-2");
    }
  }

  @Test
  void logOfAPodWithoutANodeIsEmptyAsKubectlShowsIt(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("log");
    try (KubeClient kube = TestClients.admin(api)) {
      Resources pods = kube.resources("po").inNamespace(ns);
      pods.create("""
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"example.invalid/x"}]}}""");
      // no nodes in the test control plane: the server answers pods/log of a pending Pod with 204 and no body
      try (java.io.InputStream log = pods.log("p", LogOptions.defaults().withFollow().withContainer("c"))) {
        assertThat(log.readAllBytes()).isEmpty();
      }
      assertThatThrownBy(() -> kube.resources("cm").log("p", LogOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> pods.log("nope", LogOptions.defaults())).isInstanceOf(KubeApiException.NotFound.class);
    }
  }
}
