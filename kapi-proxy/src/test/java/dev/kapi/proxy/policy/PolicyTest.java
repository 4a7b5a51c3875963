package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        kind: ClusterRole
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
  void aRoleGrantsOnlyInItsOwnNamespaceAsInRbac(@TempDir Path dir) throws Exception {
    Policy p = policy(dir, """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: app, namespace: demo}
        rules:
        - apiGroups: [""]
          resources: ["secrets"]
          verbs: ["get", "list"]
        """);

    assertThat(p.decide(req("GET", "/api/v1/namespaces/demo/secrets/s", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/demo/secrets", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/api/v1/namespaces/other/secrets/s", null)).allowed()).as("another namespace").isFalse();
    assertThat(p.decide(req("GET", "/api/v1/secrets", null)).allowed()).as("every namespace's secrets").isFalse();

    assertThatThrownBy(() -> policy(dir, "kind: Role\nmetadata: {name: a}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"))
        .as("a Role without a namespace would grant everywhere").hasMessageContaining("set metadata.namespace");
    assertThatThrownBy(() -> policy(dir, "kind: Role\nmetadata: {namespace: a}\nrules: [{nonResourceURLs: [/api], verbs: [get]}]"))
        .hasMessageContaining("rules[0] has nonResourceURLs, which a namespaced Role cannot grant");
    assertThatThrownBy(() -> policy(dir,
        "kind: Role\nmetadata: {namespace: a}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get], namespaces: [b]}]"))
        .hasMessageContaining("rules[0] sets namespaces in a Role");
    assertThatThrownBy(() -> policy(dir, "kind: Role\nmetadata: {namespace: '*'}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"))
        .hasMessageContaining("is not a namespace name");
    assertThatThrownBy(() -> policy(dir, "kind: RoleBinding\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"))
        .hasMessageContaining("kind \"RoleBinding\" is not a policy");
  }

  @Test
  void aPolicyFileIsOneDocumentWithoutRepeatedKeys(@TempDir Path dir) {
    assertThatThrownBy(() -> policy(dir, """
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["get"]
          verbs: ["*"]
        """)).as("the second verbs would silently win").isInstanceOf(PolicyException.class).hasMessageContaining("verbs");
    assertThatThrownBy(() -> policy(dir, """
        rules: [{apiGroups: [''], resources: [configmaps], verbs: [get]}]
        ---
        rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
        """)).as("a second document would be ignored").hasMessageContaining("more than one document");
  }

  @Test
  void anchorsAndAliasesMeanWhatTheyMeanToKubectl(@TempDir Path dir) throws Exception {
    // a mapper read "[*ns]" as the namespace "ns", and refused "verbs: *reads" (a string where a list belongs)
    Policy p = policy(dir, """
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: &reads ["get", "list"]
          namespaces: [&ns demo]
        - apiGroups: ["batch"]
          resources: ["jobs"]
          verbs: *reads
          namespaces: [*ns]
        """);

    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/demo/jobs", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/ns/jobs", null)).allowed()).isFalse();
    assertThat(p.decide(req("GET", "/apis/batch/v1/namespaces/demo/jobs/j1", null)).allowed()).isTrue();
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods], verbs: *nowhere}]"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("alias *nowhere has no anchor");
  }

  @Test
  void aNumberOrBooleanWhereANameBelongsIsRefusedAsKubectlRefusesSuchARole(@TempDir Path dir) {
    // YAML 1.1 reads 0123 as 83: the rule named "83", not "0123"
    for (String names : new String[] {"[0123]", "[1e3]", "[true]"}) {
      assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [secrets], verbs: [get], resourceNames: "
          + names + "}]")).as(names).isInstanceOf(PolicyException.class).hasMessageContaining("rules[0]");
    }
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
    Policy some = policy(dir, """
        rules:
        - {apiGroups: [''], resources: [serviceaccounts], verbs: [impersonate], resourceNames: [bot], namespaces: [apps]}
        - {apiGroups: [''], resources: [groups], verbs: [impersonate], resourceNames: [readers]}
        """);
    var asBot = List.of(Map.entry("Impersonate-User", "system:serviceaccount:apps:bot"));

    assertThat(none.decideImpersonation(asBot).allowed()).isFalse();
    assertThat(some.decideImpersonation(asBot).allowed()).isTrue();
    assertThat(some.decideImpersonation(List.of(Map.entry("impersonate-user", "system:serviceaccount:other:bot"))).allowed())
        .as("same name, other namespace").isFalse();
    assertThat(some.decideImpersonation(List.of(Map.entry("Impersonate-User", "system:serviceaccount:apps:admin"))).allowed())
        .isFalse();
    assertThat(some.decideImpersonation(List.of(Map.entry("Impersonate-User", "bot"))).allowed())
        .as("a plain user named bot is a users check, not serviceaccounts").isFalse();
    assertThat(some.decideImpersonation(List.of(asBot.get(0), Map.entry("Impersonate-Group", "readers"))).allowed()).isTrue();
    PolicyDecision extraGroup = some.decideImpersonation(List.of(asBot.get(0), Map.entry("Impersonate-Group", "system:masters")));
    assertThat(extraGroup).isInstanceOfSatisfying(PolicyDecision.Deny.class, d -> assertThat(d.message())
        .contains("impersonate resource \"groups\" in API group \"\" named \"system:masters\""));
    assertThat(some.decideImpersonation(List.of(asBot.get(0), Map.entry("Impersonate-Extra-Scopes", "x"))).allowed()).isFalse();
    assertThat(none.decideImpersonation(List.of(Map.entry("Accept", "application/json"))).allowed())
        .as("no impersonation at all").isTrue();
  }

  @Test
  void rulesMatchExactlyAsRbacDoesIncludingItsWildcards(@TempDir Path dir) throws Exception {
    Policy p = policy(dir, """
        rules:
        - {apiGroups: [''], resources: ['pods/*'], verbs: ['*']}
        - {apiGroups: ['*'], resources: ['*/status'], verbs: [get]}
        - {nonResourceURLs: ['/healthz/**'], verbs: [get]}
        """);

    assertThat(p.decide(req("GET", "/api/v1/namespaces/a/pods/p/log", null)).allowed())
        .as("RBAC has no resource/* form; kapi does not invent one").isFalse();
    assertThat(p.decide(req("GET", "/apis/apps/v1/namespaces/a/deployments/d/status", null)).allowed()).isTrue();
    assertThat(p.decide(req("GET", "/apis/apps/v1/namespaces/a/deployments/d", null)).allowed()).isFalse();
    assertThat(p.decide(req("GET", "/healthz/etcd", null)).allowed()).as("trailing stars trimmed as Go's TrimRight").isTrue();
  }

  @Test
  void aWatchSpelledAnyWayTheServerAcceptsNeedsTheWatchVerb(@TempDir Path dir) throws Exception {
    Policy listOnly = policy(dir, "rules: [{apiGroups: [''], resources: [configmaps], verbs: [list]}]");

    for (String query : new String[] {"watch=true", "watch=1", "watch=yes", "watch=", "watch", "watch=TRUE", "watch=0x1",
        "watch=1&watch=0", "a=%zz&watch=1"}) {
      assertThat(listOnly.decide(RequestInfoParser.parse("GET", "/api/v1/namespaces/a/configmaps", query)).allowed())
          .as(query).isFalse();
    }
    for (String query : new String[] {"watch=false", "watch=0", "watch=False", "watch=1;x=y", "watch=%zz", "watch=0&watch=1"}) {
      assertThat(listOnly.decide(RequestInfoParser.parse("GET", "/api/v1/namespaces/a/configmaps", query)).allowed())
          .as(query).isTrue();
    }
  }

  @Test
  void malformedPolicyFilesAreNamedWithTheRule(@TempDir Path dir) {
    assertThatThrownBy(() -> policy(dir, "kind: Role\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("needs a \"rules\" list");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods]}]")).hasMessageContaining("rules[0] has no verbs");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods], verbs: [get], verb: [x]}]"))
        .hasMessageContaining("rules[0]");
    assertThatThrownBy(() -> policy(dir, "rules: [ {")).hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}, null]"))
        .hasMessageContaining("rules[1] is not a mapping");
    assertThatThrownBy(() -> policy(dir, "rules: [{resources: [pods], verbs: [get]}]"))
        .as("a Role rule without apiGroups matches nothing: an error, not a silent deny").hasMessageContaining("no apiGroups");
    assertThatThrownBy(() -> policy(dir, "rules: [{apiGroups: [''], resources: [pods], nonResourceURLs: [/api], verbs: [get]}]"))
        .hasMessageContaining("mixes resources and nonResourceURLs");
    assertThatThrownBy(() -> policy(dir, "rules: [{nonResourceURLs: [/api], namespaces: [a], verbs: [get]}]"))
        .hasMessageContaining("apply to resources only");
    assertThatThrownBy(() -> policy(dir, "rules: [{nonResourceURLs: [api], verbs: [get]}]")).hasMessageContaining("must start with /");
    assertThatThrownBy(() -> Policy.load(dir.resolve("missing.yaml"))).hasMessageContaining("cannot be read");
  }

  @Test
  void execGuardRefusesWorkloadAccessThatKubectlsDefaultFilterLeavesOpen() {
    for (String path : new String[] {"/api/v1/namespaces/a/pods/p/exec", "/api/v1/namespaces/a/pods/p/attach",
        "/api/v1/namespaces/a/pods/p/portforward", "/api/v1/namespaces/a/pods/p/ephemeralcontainers",
        "/api/v1/namespaces/a/pods/p/proxy/x", "/api/v1/namespaces/a/services/s/proxy", "/api/v1/nodes/n/proxy/run/a/b/c",
        "/api/v1/proxy/namespaces/a/pods/p"}) {
      assertThat(ExecGuard.check(req("GET", path, null))).as(path).isInstanceOf(PolicyDecision.Deny.class);
    }
    assertThat(ExecGuard.check(req("GET", "/apis/g/v1/proxy/namespaces/a/pods/p", null))).isInstanceOf(PolicyDecision.Deny.class);
    assertThat(ExecGuard.check(req("POST", "/api/v1/namespaces/a/pods/p/exec", null)))
        .isInstanceOfSatisfying(PolicyDecision.Deny.class, d -> assertThat(d.message()).contains("pods/exec").contains("--deny-exec"));
    assertThat(ExecGuard.check(req("GET", "/api/v1/namespaces/a/pods/p/log", null)).allowed()).isTrue();
    assertThat(ExecGuard.check(req("GET", "/api/v1/namespaces/a/services/s", null)).allowed()).isTrue();
    assertThat(ExecGuard.check(req("GET", "/apis/apps/v1/namespaces/a/deployments/exec", null)).allowed()).isTrue();
    assertThat(ExecGuard.check(req("GET", "/api/v1/namespaces/a/pods/executor", null)).allowed()).isTrue();
  }
}
