package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/'s manifests against the real API server: every variant is accepted by {@code kubectl apply
 * --dry-run=server} (validation, defaulting and admission, including the "restricted" Pod Security Standard),
 * and what the server would store is the Pod the variant promises.
 */
@ExtendWith(ApiServerExtension.class)
class DeployManifestsTest {

  private static final String SA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

  @BeforeEach
  void kubectl() {
    Manifests.requireKubectl();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeployVariant.class)
  void shippedVariantPassesServerSideDryRunInARestrictedNamespace(DeployVariant variant, ApiServer api) {
    Manifests m = new Manifests(api);
    m.createRestrictedNamespace(DeployVariant.SHIPPED_NAMESPACE);

    List<JsonNode> accepted = m.apply(m.renderShipped(variant), true);

    assertThat(accepted).extracting(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("ServiceAccount/pod-with-kubeapi", "Role/batch-reader",
            "RoleBinding/pod-with-kubeapi-batch-reader", "Pod/pod-with-kubeapi");
    assertThat(accepted).allSatisfy(o ->
        assertThat(o.path("metadata").path("namespace").asText()).isEqualTo(DeployVariant.SHIPPED_NAMESPACE));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeployVariant.class)
  void variantInAUsersOwnNamespaceBindsTheRoleToTheServiceAccountThere(DeployVariant variant, ApiServer api) {
    Manifests m = new Manifests(api);
    String ns = api.uniqueNamespace("deploy");
    m.createRestrictedNamespace(ns);

    Map<String, JsonNode> accepted = byKind(m.apply(m.renderInto(variant, ns), true));

    assertThat(accepted.get("Pod").path("metadata").path("namespace").asText()).isEqualTo(ns);
    JsonNode subject = accepted.get("RoleBinding").path("subjects").get(0);
    assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
    assertThat(subject.path("name").asText()).isEqualTo("pod-with-kubeapi");
    assertThat(subject.path("namespace").asText()).isEqualTo(ns);
  }

  @Test
  void roleLetsTheServiceAccountReadJobsAndCronJobsAndNothingElse(ApiServer api) {
    Manifests m = new Manifests(api);
    String ns = api.uniqueNamespace("rbac");
    String rbacOnly = Manifests.documents(m.renderInto(DeployVariant.BASE, ns)).stream()
        .filter(d -> !"Pod".equals(d.path("kind").asText()))
        .map(d -> "---\n" + yaml(d)).collect(Collectors.joining());
    m.apply(rbacOnly, false);
    String sa = "system:serviceaccount:" + ns + ":pod-with-kubeapi";

    Function<String, String> canI = verbAndResource -> {
      List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", api.adminKubeconfig().toString(),
          "auth", "can-i", "-n", ns, "--as", sa));
      cmd.addAll(List.of(verbAndResource.split(" ")));
      return ExternalCommand.of(cmd).run().stdout().trim();
    };

    for (String allowed : List.of("get jobs.batch", "list jobs.batch", "watch jobs.batch",
        "get cronjobs.batch", "list cronjobs.batch", "watch cronjobs.batch")) {
      assertThat(canI.apply(allowed)).as(allowed).isEqualTo("yes");
    }
    for (String denied : List.of("create jobs.batch", "delete cronjobs.batch", "patch jobs.batch",
        "get jobs.batch --subresource=status", "list pods", "get secrets", "create pods --subresource=exec",
        "list jobs.batch --all-namespaces")) {
      assertThat(canI.apply(denied)).as(denied).isEqualTo("no");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DeployVariant.class, names = {"HARDENED", "HARDENED_NATIVE_SIDECAR"})
  void hardenedVariantMountsTheTokenInTheAmbassadorOnly(DeployVariant variant, ApiServer api) {
    Manifests m = new Manifests(api);
    String ns = api.uniqueNamespace("hardened");
    m.createRestrictedNamespace(ns);

    JsonNode pod = byKind(m.apply(m.renderInto(variant, ns), true)).get("Pod").path("spec");

    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    JsonNode main = container(pod, "main");
    assertThat(main.path("volumeMounts")).as("main mounts nothing").isEmpty();
    JsonNode mount = container(pod, "ambassador").path("volumeMounts").get(0);
    assertThat(mount.path("mountPath").asText()).isEqualTo(SA_PATH);
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    JsonNode sources = volume(pod, mount.path("name").asText()).path("projected").path("sources");
    assertThat(sources.get(0).path("serviceAccountToken").path("path").asText()).isEqualTo("token");
    assertThat(sources.get(1).path("configMap").path("name").asText()).isEqualTo("kube-root-ca.crt");
    assertThat(sources.get(1).path("configMap").path("items").get(0).path("path").asText()).isEqualTo("ca.crt");
    assertThat(sources.get(2).path("downwardAPI").path("items").get(0).path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.namespace");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DeployVariant.class, names = {"NATIVE_SIDECAR", "HARDENED_NATIVE_SIDECAR"})
  void nativeSidecarVariantRunsTheAmbassadorAsARestartingInitContainer(DeployVariant variant, ApiServer api) {
    Manifests m = new Manifests(api);
    String ns = api.uniqueNamespace("sidecar");
    m.createRestrictedNamespace(ns);

    JsonNode pod = byKind(m.apply(m.renderInto(variant, ns), true)).get("Pod").path("spec");

    assertThat(pod.path("containers")).extracting(c -> c.path("name").asText()).containsExactly("main");
    JsonNode sidecar = pod.path("initContainers").get(0);
    assertThat(sidecar.path("name").asText()).isEqualTo("ambassador");
    assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(sidecar.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeployVariant.class)
  void ambassadorIsProbedOnItsAdminEndpointsAndLockedDown(DeployVariant variant, ApiServer api) {
    Manifests m = new Manifests(api);
    String ns = api.uniqueNamespace("locked");
    m.createRestrictedNamespace(ns);

    JsonNode pod = byKind(m.apply(m.renderInto(variant, ns), true)).get("Pod").path("spec");
    JsonNode ambassador = container(pod, "ambassador");

    assertThat(ambassador.path("args").toString()).contains("--admin-address=0.0.0.0:9091");
    assertThat(ambassador.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
    assertThat(ambassador.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(ambassador.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
    assertThat(ambassador.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9091);
    assertThat(ambassador.path("resources").path("requests").path("memory").asText()).isNotEmpty();
    assertThat(ambassador.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    JsonNode sc = ambassador.path("securityContext");
    assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(sc.path("runAsUser").asInt()).isEqualTo(65532);
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(sc.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
  }

  private static Map<String, JsonNode> byKind(List<JsonNode> objects) {
    return objects.stream().collect(Collectors.toMap(o -> o.path("kind").asText(), o -> o));
  }

  /** A container by name, whether it runs as a regular or an init (sidecar) container. */
  private static JsonNode container(JsonNode podSpec, String name) {
    for (String field : List.of("containers", "initContainers")) {
      for (JsonNode c : podSpec.path(field)) {
        if (name.equals(c.path("name").asText())) {
          return c;
        }
      }
    }
    throw new AssertionError("no container " + name + " in " + podSpec);
  }

  private static JsonNode volume(JsonNode podSpec, String name) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name + " in " + podSpec);
  }

  private static String yaml(JsonNode node) {
    try {
      return Manifests.YAML.writeValueAsString(node).replaceFirst("^---\n", "");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
