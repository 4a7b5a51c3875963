package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

  private static final Policy PODS_AND_EXEC = new Policy(List.of(
      new PolicyRule(List.of(""), List.of("pods", "pods/exec"), List.of(), List.of("*"), List.of("a"), List.of())), "p.yaml");
  private static final List<Map.Entry<String, String>> NO_HEADERS = List.of();

  private static RequestInfo req(String method, String path, String query) {
    return RequestInfoParser.parse(method, path, query);
  }

  @Test
  void withoutPolicyOrDenyExecNothingIsDenied() {
    RequestGuard g = RequestGuard.none();

    assertThat(g.active()).isFalse();
    assertThat(g.decide(req("POST", "/api/v1/namespaces/a/pods/p/exec", null), NO_HEADERS).allowed()).isTrue();
  }

  @Test
  void denyExecWinsEvenWhenThePolicyGrantsExec() {
    RequestGuard g = new RequestGuard(Optional.of(PODS_AND_EXEC), true);

    PolicyDecision d = g.decide(req("GET", "/api/v1/namespaces/a/pods/p/exec", "command=sh"), NO_HEADERS);

    assertThat(d).isInstanceOfSatisfying(PolicyDecision.Deny.class, deny -> assertThat(deny.rule()).isEqualTo("deny-exec"));
    assertThat(new RequestGuard(Optional.of(PODS_AND_EXEC), false)
        .decide(req("GET", "/api/v1/namespaces/a/pods/p/exec", "command=sh"), NO_HEADERS).allowed())
        .as("a policy that grants pods/exec, with --deny-exec=false").isTrue();
  }

  @Test
  void thePolicyDecidesRequestsAndTheirImpersonationHeaders() {
    RequestGuard g = new RequestGuard(Optional.of(PODS_AND_EXEC), true);

    assertThat(g.decide(req("GET", "/api/v1/namespaces/a/pods", "watch=yes"), NO_HEADERS).allowed()).isTrue();
    assertThat(g.decide(req("GET", "/api/v1/namespaces/b/pods", null), NO_HEADERS))
        .isInstanceOfSatisfying(PolicyDecision.Deny.class, d -> assertThat(d.message())
            .isEqualTo("kapi policy p.yaml does not allow list resource \"pods\" in API group \"\" in the namespace \"b\""));
    assertThat(g.decide(req("GET", "/api/v1/namespaces/a/pods", null), List.of(Map.entry("Impersonate-User", "admin"))))
        .isInstanceOfSatisfying(PolicyDecision.Deny.class, d -> assertThat(d.message()).contains("impersonate resource \"users\""));
    assertThat(g.policyDecidesImpersonation()).isTrue();
  }
}
