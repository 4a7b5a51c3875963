package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bypass corpus: every form in which a path could mean one thing to the filter and another to the API
 * server is either reduced to one canonical path or refused with 400.
 */
class RequestCanonicaliserTest {

  static Stream<Arguments> accepted() {
    return Stream.of(
        // target, canonical path, filter path, raw query, authority
        Arguments.of("/api/v1/namespaces", "/api/v1/namespaces", "/api/v1/namespaces", null, null),
        Arguments.of("/", "/", "/", null, null),
        Arguments.of("/api/v1/namespaces/", "/api/v1/namespaces/", "/api/v1/namespaces", null, null),
        Arguments.of("/api/v1/namespaces/x/pods/y/exec/", "/api/v1/namespaces/x/pods/y/exec/",
            "/api/v1/namespaces/x/pods/y/exec", null, null),
        Arguments.of("/api/v1/namespaces/x/pods/y/%65xec", "/api/v1/namespaces/x/pods/y/exec",
            "/api/v1/namespaces/x/pods/y/exec", null, null),
        Arguments.of("/api/v1/namespaces/x/pods/y/%65%78%65%63", "/api/v1/namespaces/x/pods/y/exec",
            "/api/v1/namespaces/x/pods/y/exec", null, null),
        Arguments.of("/%61pi/v1/pods", "/api/v1/pods", "/api/v1/pods", null, null),
        Arguments.of("/api/v1/pods;x=y", "/api/v1/pods;x=y", "/api/v1/pods;x=y", null, null),
        Arguments.of("/api/v1/namespaces/x/pods/y/exec;x", "/api/v1/namespaces/x/pods/y/exec;x",
            "/api/v1/namespaces/x/pods/y/exec;x", null, null),
        Arguments.of("/API/V1/Pods", "/API/V1/Pods", "/API/V1/Pods", null, null),
        Arguments.of("/api?watch=1&x=%2F", "/api", "/api", "watch=1&x=%2F", null),
        Arguments.of("/api?", "/api", "/api", "", null),
        Arguments.of("http://localhost:8001/api/v1?watch=true", "/api/v1", "/api/v1", "watch=true", "localhost:8001"),
        Arguments.of("HTTPS://127.0.0.1/apis", "/apis", "/apis", null, "127.0.0.1"),
        Arguments.of("http://[::1]:8001", "/", "/", null, "[::1]:8001"),
        Arguments.of("http://localhost?x=1", "/", "/", "x=1", "localhost"),
        Arguments.of("/.well-known/openid-configuration", "/.well-known/openid-configuration",
            "/.well-known/openid-configuration", null, null),
        Arguments.of("/api/v1/namespaces/a..b", "/api/v1/namespaces/a..b", "/api/v1/namespaces/a..b", null, null),
        Arguments.of("/api/v1/namespaces/...", "/api/v1/namespaces/...", "/api/v1/namespaces/...", null, null),
        Arguments.of("/api/v1/%7Euser", "/api/v1/~user", "/api/v1/~user", null, null),
        Arguments.of("/api/v1/namespaces/d%C3%A9mo", "/api/v1/namespaces/d\u00e9mo", "/api/v1/namespaces/d\u00e9mo",
            null, null),
        Arguments.of("/api/v1/namespaces/a%20b", "/api/v1/namespaces/a b", "/api/v1/namespaces/a b", null, null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("accepted")
  void reducesEquivalentFormsToOneCanonicalPath(String target, String path, String filterPath, String query,
      String authority) throws BadRequestTarget {
    CanonicalTarget c = RequestCanonicaliser.canonicalise(target);
    assertThat(c.path()).isEqualTo(path);
    assertThat(c.filterPath()).isEqualTo(filterPath);
    assertThat(c.rawQuery()).isEqualTo(query);
    assertThat(c.authority()).isEqualTo(authority);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("", "empty"),
        // the API server would read "foo#x" as the name; dropping the rest served foo
        Arguments.of("/api/v1/namespaces/d/configmaps/foo#frag", "cannot contain \"#\""),
        Arguments.of("/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dfoo#x", "cannot contain \"#\""),
        Arguments.of("http://localhost#x", "cannot contain \"#\""),
        // the API server ignores such a query entirely: ?watch=1 became a list, past a watch-only --policy
        Arguments.of("/api/v1/namespaces/a/secrets?watch=1" + "&".repeat(9_999), "a query of 10000 parameters"),
        Arguments.of("*", "path or an absolute http URL"),
        Arguments.of("api/v1/pods", "path or an absolute http URL"),
        Arguments.of("kubernetes.default:443", "path or an absolute http URL"),
        Arguments.of("ftp://localhost/api", "path or an absolute http URL"),
        Arguments.of("http://user@localhost/api", "authority"),
        Arguments.of("http:///api", "authority"),
        // empty segments
        Arguments.of("//api/v1/pods", "empty path segment"),
        Arguments.of("/api//v1/pods", "empty path segment"),
        Arguments.of("/api/v1/pods//", "empty path segment"),
        Arguments.of("http://localhost//api", "empty path segment"),
        // dot segments, raw and encoded
        Arguments.of("/.", "\".\" path segment"),
        Arguments.of("/..", "\"..\" path segment"),
        Arguments.of("/api/./v1", "\".\" path segment"),
        Arguments.of("/api/../api/v1/namespaces/x/pods/y/exec", "\"..\" path segment"),
        Arguments.of("/api/v1/..", "\"..\" path segment"),
        Arguments.of("/api/v1/../", "\"..\" path segment"),
        Arguments.of("/api/%2e%2e/v1", "\"..\" path segment"),
        Arguments.of("/api/.%2E/v1", "\"..\" path segment"),
        Arguments.of("/api/%2E./v1", "\"..\" path segment"),
        Arguments.of("/api/%2e/v1", "\".\" path segment"),
        Arguments.of("/api/v1/namespaces/x/pods/y/%2e%2e/y/exec", "\"..\" path segment"),
        // encoded separators and escapes
        Arguments.of("/api%2Fv1/pods", "encoded \"/\""),
        Arguments.of("/api%2fv1/pods", "encoded \"/\""),
        Arguments.of("/api/v1/namespaces/x/pods/y%2Fexec", "encoded \"/\""),
        Arguments.of("/api%5Cv1", "encoded \"\\\""),
        Arguments.of("/api%5cv1", "encoded \"\\\""),
        Arguments.of("/api\\v1", "\"\\\" in path"),
        Arguments.of("/api%252Fv1", "encoded \"%\""),
        Arguments.of("/api/v1/namespaces/x/pods/y/%2565xec", "encoded \"%\""),
        Arguments.of("/api%25", "encoded \"%\""),
        // control characters
        Arguments.of("/api%00", "control character"),
        Arguments.of("/api/v1%0A", "control character"),
        Arguments.of("/api/v1%0d%0aX-Injected:%20yes", "control character"),
        Arguments.of("/api%1b", "control character"),
        Arguments.of("/api%7F", "control character"),
        Arguments.of("/api/\u0001", "raw control character"),
        Arguments.of("/api/\u007f", "raw control character"),
        Arguments.of("/api/\u00e9", "raw non-ASCII character"),
        // malformed escapes
        Arguments.of("/api/%", "truncated percent-escape"),
        Arguments.of("/api/%2", "truncated percent-escape"),
        Arguments.of("/api/%zz", "malformed percent-escape"),
        Arguments.of("/api/%+1", "malformed percent-escape"),
        Arguments.of("/api/%\u0661\u0661", "malformed percent-escape"),
        // invalid UTF-8 once decoded
        Arguments.of("/api/%C3", "not valid UTF-8"),
        Arguments.of("/api/%C0%AF", "not valid UTF-8"),
        Arguments.of("/api/%E0%80%AE%E0%80%AE", "not valid UTF-8"),
        Arguments.of("/api/%ED%A0%80", "not valid UTF-8"),
        Arguments.of("/api/%FF", "not valid UTF-8"),
        // queries go upstream as sent, so they must be clean too
        Arguments.of("/api?x=\u0001", "in query"),
        Arguments.of("/api?x=%zz", "malformed percent-escape"),
        Arguments.of("/api?x=\u00e9", "in query"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refused")
  void refusesTargetsThatCouldBeReadTwoWays(String target, String reason) {
    assertThatThrownBy(() -> RequestCanonicaliser.canonicalise(target))
        .isInstanceOf(BadRequestTarget.class)
        .hasMessageContaining(reason);
  }

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("/api/v1/pods", "/api/v1/pods"),
        Arguments.of("/api/v1/namespaces/a b", "/api/v1/namespaces/a%20b"),
        Arguments.of("/api/v1/namespaces/d\u00e9mo", "/api/v1/namespaces/d%C3%A9mo"),
        Arguments.of("/api/v1/pods;x=y", "/api/v1/pods;x=y"),
        Arguments.of("/a/~user/@x:1!$&'()*+,=", "/a/~user/@x:1!$&'()*+,="),
        Arguments.of("/a/\"<>`{}|^[]?#", "/a/%22%3C%3E%60%7B%7D%7C%5E%5B%5D%3F%23"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("encodings")
  void reEncodesTheCanonicalPathForTheWire(String decoded, String wire) throws BadRequestTarget {
    assertThat(RequestCanonicaliser.encodePath(decoded)).isEqualTo(wire);
    assertThat(RequestCanonicaliser.canonicalise(wire).path()).isEqualTo(decoded);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void theUpstreamFormCanonicalisesToItself(String target) throws BadRequestTarget {
    CanonicalTarget c = RequestCanonicaliser.canonicalise(target);
    String wire = RequestCanonicaliser.encodePath(c.path());
    assertThat(RequestCanonicaliser.canonicalise(wire).path()).isEqualTo(c.path());
  }
}
