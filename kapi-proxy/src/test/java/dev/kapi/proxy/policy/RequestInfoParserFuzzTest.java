package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Jazzer over the request-info derivation, the policy and the exec guard. An input is one text line,
 * {@code METHOD PATH?QUERY} (seeds in {@code RequestInfoParserFuzzTestInputs/}); a normal {@code mvn test} replays
 * the seeds, {@code JAZZER_FUZZ=1} fuzzes (docs/security.md). Properties: nothing throws, the verb is one the
 * server could derive, and a path that plainly reaches exec, attach, port-forward, ephemeral containers or an
 * API-server proxy is always refused by {@code --deny-exec}, whatever the method, query or trailing slashes.
 */
class RequestInfoParserFuzzTest {

  private static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete",
      "deletecollection", "proxy", "");
  private static final Pattern EXEC_LIKE = Pattern.compile("^/api/v1/(?:"
      + "namespaces/[^/]+/pods/[^/]+/(?:exec|attach|portforward|ephemeralcontainers|proxy)"
      + "|namespaces/[^/]+/services/[^/]+/proxy"
      + "|nodes/[^/]+/proxy"
      + "|proxy/.+"
      + ")(?:/.*)?$");
  private static final Policy EVERYTHING = new Policy(List.of(
      new PolicyRule(List.of("*"), List.of("*"), List.of(), List.of("*"), List.of(), List.of()),
      new PolicyRule(List.of(), List.of(), List.of(), List.of("*"), List.of(), List.of("*"))), "fuzz");

  @FuzzTest(maxDuration = "30s")
  void derivationNeverThrowsAndExecIsAlwaysRefused(byte[] input) {
    String line = new String(input, StandardCharsets.UTF_8);
    int space = line.indexOf(' ');
    String method = space < 0 ? "GET" : line.substring(0, space);
    String target = space < 0 ? line : line.substring(space + 1);
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);

    RequestInfo r = RequestInfoParser.parse(method, path, query);
    PolicyDecision guard = ExecGuard.check(r);

    assertThat(r.path()).isEqualTo(path);
    if (r.resourceRequest()) {
      assertThat(VERBS).as(line).contains(r.verb());
      assertThat(r.describe()).isNotEmpty();
    }
    assertThat(EVERYTHING.decide(r).allowed()).as(line).isTrue();
    if (EXEC_LIKE.matcher(path).matches()) {
      assertThat(guard).as(line).isInstanceOf(PolicyDecision.Deny.class);
    }
    Impersonation.checks(List.of(Map.entry("Impersonate-User", query == null ? path : query),
        Map.entry("Impersonate-Extra-" + method, path)));
  }
}
