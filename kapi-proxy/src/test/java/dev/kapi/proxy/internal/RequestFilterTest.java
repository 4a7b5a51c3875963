package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.proxy.FilterRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** kubectl proxy's filter semantics (its proxy_server_test.go cases), plus the fixes kapi makes. */
class RequestFilterTest {

  private static final String D_ACCEPT = FilterRules.DEFAULT_ACCEPT_PATHS;
  private static final String D_REJECT = FilterRules.DEFAULT_REJECT_PATHS;
  private static final String D_HOSTS = FilterRules.DEFAULT_ACCEPT_HOSTS;
  private static final String D_METHODS = FilterRules.DEFAULT_REJECT_METHODS;

  static Stream<Arguments> kubectlCases() {
    return Stream.of(
        // acceptPaths, rejectPaths, acceptHosts, rejectMethods, path, host, method, accept
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "", "127.0.0.1", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/pods", "127.0.0.1", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/pods", "localhost", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo", "localhost",
            "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo/exec", "localhost",
            "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo/attach",
            "localhost", "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/execfoo", "localhost",
            "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/attachfoo",
            "localhost", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo", "evil.com",
            "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo",
            "localhost.evil.com", "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo", "127a0b0c1",
            "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/ui", "localhost", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, "POST", "/api/v1/pods", "localhost", "POST", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, "PUT", "/api/v1/pods", "localhost", "POST", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, "POST,PUT,PATCH", "/api/v1/pods", "localhost", "PATCH", false),
        Arguments.of("^/api/v1/namespaces/default/.*", D_REJECT, D_HOSTS, D_METHODS, "/api/v1/pods", "localhost",
            "GET", false),
        Arguments.of("^/api/v1/namespaces/default/.*", D_REJECT, D_HOSTS, D_METHODS,
            "/api/v1/namespaces/default/pods", "localhost", "GET", true),
        // the unanchored reject rule over-matches, as kubectl's does (harmless for a deny rule)
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo/proxy/executor",
            "localhost", "GET", false),
        // with ports, as real Host headers come
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api", "localhost:8001", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api", "127.0.0.1:8001", "GET", true),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api", "localhost.evil.com:8001", "GET", false),
        Arguments.of(D_ACCEPT, D_REJECT, D_HOSTS, D_METHODS, "/api", "", "GET", false),
        Arguments.of(D_ACCEPT, "", D_HOSTS, D_METHODS, "/api/v1/namespaces/default/pods/foo/exec", "localhost",
            "GET", true));
  }

  @ParameterizedTest(name = "{6} {4} Host={5} -> {7}")
  @MethodSource("kubectlCases")
  void decidesAsKubectlProxyDoes(String acceptPaths, String rejectPaths, String acceptHosts, String rejectMethods,
      String path, String host, String method, boolean accept) {
    RequestFilter f = new RequestFilter(FilterRules.parse(acceptPaths, rejectPaths, acceptHosts, rejectMethods));
    assertThat(f.decide(method, path, host) instanceof FilterDecision.Allow).isEqualTo(accept);
  }

  @ParameterizedTest(name = "Host={0} -> {1}")
  @CsvSource({
      "'[::1]:8001', true", // kubernetes/kubernetes#77496: kubectl strips the brackets and rejects this
      "'[::1]', true",
      "'[::2]:8001', false",
      "'[::1]x', false",
      "'::1', false",
      "'LOCALHOST:8001', true",
      "'LocalHost', true",
      "'127.0.0.1:', true",
      "'[::1]:8001:9', false"})
  void acceptsIpv6LoopbackWithPortAndIgnoresHostCase(String host, boolean accept) {
    RequestFilter f = new RequestFilter(FilterRules.kubectlDefaults());
    assertThat(f.decide("GET", "/api", host) instanceof FilterDecision.Allow).isEqualTo(accept);
  }

  /** A web page's WebSocket carries its site as Origin; only a site the host rules accept may open one. */
  @ParameterizedTest(name = "Origin={0} -> {1}")
  @CsvSource({
      "'http://localhost:8001', true", // the Python client sends its own target
      "'http://127.0.0.1', true",
      "'http://[::1]:3000', true",
      "'HTTP://LOCALHOST', true",
      "'https://evil.example', false",
      "'http://localhost.evil.example', false",
      "'http://evil.example/localhost', false",
      "'null', false", // an opaque origin: a sandboxed frame, a file
      "'', false"})
  void anUpgradesOriginMustBeAnAcceptedHostToo(String origin, boolean accept) {
    RequestFilter f = new RequestFilter(FilterRules.kubectlDefaults());
    FilterDecision d = f.decideOrigin(origin);
    assertThat(d instanceof FilterDecision.Allow).isEqualTo(accept);
    if (d instanceof FilterDecision.Deny deny) {
      assertThat(deny.reason()).startsWith("origin \"" + origin + "\": ").contains("--accept-hosts");
      assertThat(deny.rule()).isEqualTo("accept-hosts");
    }
  }

  /** The rules are Go regular expressions in kubectl; java.util.regex read these three differently. */
  @Test
  void rulesMeanWhatTheyMeanInGoAsInKubectl() {
    // a POSIX class: in Java, [[:alnum:]-] was the characters ":alnum-", so the Secret went through
    RequestFilter secrets = new RequestFilter(FilterRules.parse(D_ACCEPT, "^/api/v1/namespaces/[[:alnum:]-]+/secrets",
        D_HOSTS, D_METHODS));
    assertThat(secrets.decide("GET", "/api/v1/namespaces/default/secrets/s1", "localhost"))
        .isInstanceOf(FilterDecision.Deny.class);
    assertThat(secrets.decide("GET", "/api/v1/namespaces/default/configmaps", "localhost")).isEqualTo(FilterDecision.ALLOW);
    // Go's "." stops only at a newline, Java's at U+2028 and U+0085 too (both may arrive percent-encoded in a path)
    RequestFilter dot = new RequestFilter(FilterRules.parse(D_ACCEPT, "/configmaps/.*/x$", D_HOSTS, D_METHODS));
    assertThat(dot.decide("GET", "/api/v1/namespaces/d/configmaps/a\u2028b/x", "localhost"))
        .isInstanceOf(FilterDecision.Deny.class);
    assertThat(dot.decide("GET", "/api/v1/namespaces/d/configmaps/a\u0085b/x", "localhost"))
        .isInstanceOf(FilterDecision.Deny.class);
    // Go's "$" is the end of the subject only, Java's also before a final line terminator
    assertThat(dot.decide("GET", "/api/v1/namespaces/d/configmaps/a/x\u2028", "localhost")).isEqualTo(FilterDecision.ALLOW);
    RequestFilter accept = new RequestFilter(FilterRules.parse("^/api/v1/namespaces/d/configmaps/foo$", "", D_HOSTS,
        D_METHODS));
    assertThat(accept.decide("GET", "/api/v1/namespaces/d/configmaps/foo\u2028", "localhost"))
        .isInstanceOf(FilterDecision.Deny.class);
  }

  @Test
  void anAcceptHostsRuleWithCapitalsMatchesAsInKubectl() {
    RequestFilter f = new RequestFilter(FilterRules.parse(D_ACCEPT, D_REJECT, "^MyHost$", D_METHODS));
    assertThat(f.decide("GET", "/api", "MyHost:8001")).isEqualTo(FilterDecision.ALLOW);
    assertThat(f.decide("GET", "/api", "myhost")).isInstanceOf(FilterDecision.Deny.class); // as kubectl: not this rule
  }

  @ParameterizedTest(name = "Host={0} -> {1}")
  @CsvSource({
      "'localhost:8001', true",
      "'[::1]:8001', true",
      "'', true",
      "'a-b.c_d~e!$&()*+,;=%25', true",
      "'localhost:1@evil.example', false",
      "'user@localhost', false",
      "'localhost/x', false",
      "'localhost, evil.example', false",
      "'localhost:\u0663', false"})
  void aHostHeaderHasOnlyTheCharactersGoAllows(String host, boolean valid) {
    assertThat(RequestFilter.validHostHeader(host)).isEqualTo(valid);
  }

  @Test
  void anOriginWithUserinfoIsNoAcceptedHost() {
    RequestFilter f = new RequestFilter(FilterRules.kubectlDefaults());
    assertThat(f.decideOrigin("http://localhost:1@evil.example")).isInstanceOf(FilterDecision.Deny.class);
    assertThat(f.decideOrigin("http://localhost:1")).isEqualTo(FilterDecision.ALLOW);
  }

  @Test
  void aRuleWrittenAroundKubectlsIpv6BugStillWorks() {
    RequestFilter f = new RequestFilter(FilterRules.parse(D_ACCEPT, D_REJECT, "^::1$", D_METHODS));
    assertThat(f.decide("GET", "/api", "[::1]:8001")).isEqualTo(FilterDecision.ALLOW);
  }

  @Test
  void checksRejectPathsThenRejectMethodsThenAcceptPathsThenHosts() {
    RequestFilter f = new RequestFilter(FilterRules.parse("^/api/", "/exec", "^localhost$", "^DELETE$"));
    assertThat(f.decide("DELETE", "/api/v1/x/exec", "evil")).isEqualTo(
        new FilterDecision.Deny("path \"/api/v1/x/exec\" matches --reject-paths rule \"/exec\""));
    assertThat(f.decide("DELETE", "/apis", "evil")).isEqualTo(
        new FilterDecision.Deny("method DELETE matches --reject-methods rule \"^DELETE$\""));
    assertThat(f.decide("GET", "/apis", "evil")).isEqualTo(
        new FilterDecision.Deny("path \"/apis\" matches no --accept-paths rule (\"^/api/\")"));
    assertThat(f.decide("GET", "/api/v1", "evil:8001")).isEqualTo(
        new FilterDecision.Deny("host \"evil\" matches no --accept-hosts rule (\"^localhost$\")"));
  }

  @Test
  void splitsRulesOnEveryCommaAsKubectlDoes() {
    FilterRules r = FilterRules.parse("^/a,^/b", "", "x,,y", "^$");
    assertThat(r.acceptPaths()).hasSize(2);
    assertThat(r.rejectPaths()).isEmpty(); // "" is no rule at all
    assertThat(r.acceptHosts()).hasSize(3); // "x,,y" has an empty rule, which matches everything
    assertThat(new RequestFilter(r).decide("GET", "/a", "anything")).isEqualTo(FilterDecision.ALLOW);
  }

  @Test
  void namesTheFlagAndRuleOfAnInvalidRegularExpression() {
    assertThatThrownBy(() -> FilterRules.parse("^.*", "^/api/(", "^x$", "^$"))
        .isInstanceOf(FilterRules.InvalidRuleException.class)
        .hasMessageStartingWith("--reject-paths: invalid regular expression \"^/api/(\"");
  }
}
