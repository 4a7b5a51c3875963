package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.proxy.FilterRules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import com.google.re2j.Pattern;

/**
 * Jazzer over the canonicaliser and the kubectl-style filter. An input is a raw request target, one byte per
 * character as Netty's request-line decoder hands it over (seeds in {@code RequestCanonicaliserFuzzTestInputs/}).
 * A normal {@code mvn test} replays the seeds; {@code JAZZER_FUZZ=1} fuzzes (see docs/security.md).
 *
 * <p>Properties: the canonicaliser throws nothing but its own {@link BadRequestTarget}; an accepted target means
 * one thing — the client's path decoded once (what kubectl proxy's filter would match) is the canonical path, and
 * the re-encoded path that goes upstream decodes, as the API server decodes it, to that same path and
 * canonicalises to itself; and the filter never lets through a path that a reject rule matches in any of those
 * equivalent decoded forms.
 */
class RequestCanonicaliserFuzzTest {

  private static final FilterRules RULES = FilterRules.parse(FilterRules.DEFAULT_ACCEPT_PATHS,
      FilterRules.DEFAULT_REJECT_PATHS
          + ",^/api/v1/namespaces/[^/]+/pods/[^/]+/portforward$"
          + ",^/api/v1/nodes/[^/]+/proxy(/|$)"
          + ",/ephemeralcontainers$"
          + ",^/apis/[^/]+/[^/]+/namespaces/secret-ns(/|$)"
          + ",^/api/v1/namespaces/[^/]+/pods/[^/]+/log/$",
      FilterRules.DEFAULT_ACCEPT_HOSTS, FilterRules.DEFAULT_REJECT_METHODS);
  private static final RequestFilter FILTER = new RequestFilter(RULES);

  @FuzzTest(maxDuration = "30s")
  void oneMeaningPerTargetAndNoRejectRuleIsEverBypassed(byte[] input) {
    String target = new String(input, StandardCharsets.ISO_8859_1);
    CanonicalTarget c;
    try {
      c = RequestCanonicaliser.canonicalise(target);
    } catch (BadRequestTarget refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }

    assertThat(c.path()).startsWith("/");
    String decodedOnce = goDecodePath(rawPath(target, c));
    assertThat(decodedOnce).as("the client's path decoded once, for %s", target).isEqualTo(c.path());
    String upstream = RequestCanonicaliser.encodePath(c.path());
    assertThat(goDecodePath(upstream)).as("what the API server decodes from %s", upstream).isEqualTo(c.path());
    try {
      assertThat(RequestCanonicaliser.canonicalise(upstream + (c.rawQuery() == null ? "" : "?" + c.rawQuery())).path())
          .isEqualTo(c.path());
    } catch (BadRequestTarget e) {
      throw new AssertionError("the upstream form of an accepted target is refused: " + upstream, e);
    }

    FilterDecision d = FILTER.decidePathAndMethodAsSent("GET", c.path()); // as the frontend asks
    for (String form : List.of(c.path(), c.filterPath(), decodedOnce)) {
      for (dev.kapi.proxy.FilterRule r : RULES.rejectPaths()) {
        Pattern rule = Pattern.compile(r.pattern()); // RE2/J itself, against the filter's text search
        if (rule.matcher(form).find()) {
          assertThat(d).as("%s (as %s) matches reject rule %s", target, form, rule).isInstanceOf(FilterDecision.Deny.class);
        }
      }
    }
  }

  /** The path part of a raw target as the canonicaliser split it: after any absolute-form authority, before ?/#. */
  private static String rawPath(String target, CanonicalTarget c) {
    String rest = target;
    if (c.authority() != null) {
      int start = target.indexOf("//") + 2 + c.authority().length();
      rest = start < target.length() && target.charAt(start) == '/' ? target.substring(start) : "/" + target.substring(start);
    }
    int end = rest.length();
    for (char stop : new char[] {'?', '#'}) {
      int i = rest.indexOf(stop);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return rest.substring(0, end);
  }

  /** Go's {@code url.PathUnescape}: each %XX once, nothing else; the bytes read as UTF-8. */
  private static String goDecodePath(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '%') {
        assertThat(i + 2).as("a complete escape in %s", raw).isLessThan(raw.length());
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
