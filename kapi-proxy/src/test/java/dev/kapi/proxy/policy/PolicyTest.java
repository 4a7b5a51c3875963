package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {

  private static RequestInfo req(String method, String path, String query) {
    Map<String, String> q = query == null ? Map.of() : Map.of(query.substring(0, query.indexOf('=')), query.substring(query.indexOf('=') + 1));
    return RequestInfoParser.parse(method, path, q);
  }

  private static Policy policy(Path dir, String yaml) throws Exception {
    Path f = dir.resolve("policy.yaml");
    Files.writeString(f, yaml);
    return Policy.load(f);
  }

  @Test
  void readOnlyJobsPolicyAllowsReadsAndDeniesEverythingElseNamingThePermission(@TempDir Path dir) throws Exception {
    Policy p = policy(dir, """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: app}
        rules:
        - apiGroups: ["batch"]
          resources: ["jobs", "cronjobs"]
          verbs: ["get", "list", "watch"]
          namespaces: ["demo"]
        - nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/version"]
          verbs: ["get"]
        """);

    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/demo/jobs", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/demo/jobs", "watch=true")).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/apis/batch/v1", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/other/jobs", null)).allowed()).isFalse();
    assertThat(p.decide(req("GET", "/apis/batch/v1/jobs", null)).allowed()).as("cluster-wide list").isFalse();
    PolicyDecision d = p.decide(req("DELETE", "/apis/batch/v1/namespaces/demo/jobs/j1", null));
    assertThat(d).isInstanceOfSatisfying(PolicyDecision.Deny.class, deny -> assertThat(deny.message())
        .contains("delete resource \"jobs\" in API group \"batch\" named \"j1\" in the namespace \"demo\""));
    assertThat(p.decide(req("GET", "/api/v1/namespaces/demo/secrets", null)).allowed()).isFalse();
  }

  @Test
  void subresourcesNeedTheirOwnRuleAsInRbac(@TempDir Path dir) throws Exception {
    Policy p = policy(dir, """
        rules:
        - apiGroups: [""]
          resources: ["pods", "pods/log"]
          verbs: ["get"]
        - apiGroups: ["apps"]
          resources: ["*/scale"]
          verbs: ["patch"]
        """);

    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/pods/p/log", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/pods/p/exec", null)).allowed()).isFalse();
    assertThat(p.decide(req("PATCH", "/apis/apps/v1/namespaces/a/deployments/d/scale", null)).allowed()).isTrue();
    assertThat(p.decide(req("PATCH", "/apis/apps/v1/namespaces/a/deployments/d", null)).allowed()).isFalse();
  }

  @Test
  void resourceNamesRestrictToNamedObjects(@TempDir Path dir) throws Exception {
    Policy p = policy(dir, """
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          resourceNames: ["app-config"]
          verbs: ["get", "watch", "list"]
        """);

    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/configmaps/app-config", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/configmaps/other", null)).allowed()).isFalse();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/configmaps", null)).allowed()).isFalse();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/configmaps", "fieldSelector=metadata.name=app-config")).allowed()).isTrue();
  }

  @Test
  void impersonationOnlyWhenARuleAllowsIt(@TempDir Path dir) throws Exception {
    Policy none = policy(dir, "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]");
    Policy some = policy(dir, "rules: [{apiGroups: [''], resources: [serviceaccounts], verbs: [impersonate], resourceNames: [bot]}]");

    assertThat(none.allowsImpersonation("serviceaccounts", "bot")).isFalse();
    assertThat(some.allowsImpersonation("serviceaccounts", "bot")).isTrue();
    assertThat(some.allowsImpersonation("serviceaccounts", "admin")).isFalse();
  }

  @Test
  void malformedPolicyFilesAreNamedWithTheRule(@TempDir Path dir) {
    assertThatThrownBy(() -> policy(dir, "kind: Role\n")).hasMessageContaining("needs a \"rules\" list");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods]}]")).hasMessageContaining("rules[0] has no verbs");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods], verbs: [get], verb: [x]}]"))
        .hasMessageContaining("rules[0]");
    assertThatThrownBy(() -> policy(dir, "rules: [ {")).hasMessageContaining("cannot be read");
  }

  @Test
  void execGuardRefusesWorkloadAccessThatKubectlsDefaultFilterLeavesOpen() {
    for (String path : new String[] {"/api/v1/namespaces/a/pods/p/exec", "/api/v1/namespaces/a/pods/p/attach",
        "/api/v1/namespaces/a/pods/p/portforward", "/api/v1/namespaces/a/pods/p/ephemeralcontainers",
        "/api/v1/namespaces/a/pods/p/proxy/x", "/api/v1/namespaces/a/services/s/proxy", "/api/v1/nodes/n/proxy/run/a/b/c",
        "/api/v1/proxy/namespaces/a/pods/p"}) {
      assertThat(ExecGuard.check(req("GET", path, null))).as(path).isInstanceOf(PolicyDecision.Deny.class);
    }
    assertThat(ExecGuard.check(req("GET", "/api/v1/namespaces/a/pods/p/log", null)).allowed()).isTrue();
    assertThat(ExecGuard.check(req("GET", "/api/v1/namespaces/a/pods/executor", null)).allowed()).isTrue();
  }
}
