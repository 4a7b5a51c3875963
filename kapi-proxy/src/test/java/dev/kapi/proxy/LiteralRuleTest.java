package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text search answers exactly as Go's regular expression (RE2/J) would, for rules of literals and ".*". */
class LiteralRuleTest {

  private static final String[] RULE_PARTS = {"a", "b", "/", "ab", ".*", ".*", "\\.", "\\$", "-", "\u00e9"};
  private static final String SUBJECT_CHARS = "ab/.-$\u00e9";

  @Test
  void agreesWithTheRegularExpressionOnRandomRulesAndSubjects() {
    Random r = new Random(42);
    int literalRules = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder rule = new StringBuilder(r.nextBoolean() ? "^" : "");
      for (int n = r.nextInt(5); n > 0; n--) {
        rule.append(RULE_PARTS[r.nextInt(RULE_PARTS.length)]);
      }
      if (r.nextBoolean()) {
        rule.append('$');
      }
      LiteralRule literal = LiteralRule.parse(rule.toString());
      if (literal == null) {
        continue;
      }
      literalRules++;
      Pattern re = Pattern.compile(rule.toString());
      for (int j = 0; j < 30; j++) {
        StringBuilder s = new StringBuilder();
        for (int n = r.nextInt(8); n > 0; n--) {
          s.append(SUBJECT_CHARS.charAt(r.nextInt(SUBJECT_CHARS.length())));
        }
        assertThat(literal.find(s.toString())).as("rule %s on %s", rule, s).isEqualTo(re.matcher(s).find());
      }
    }
    assertThat(literalRules).isGreaterThan(2000);
  }

  @Test
  void kubectlsDefaultRulesAreLiteralAndAnythingElseIsLeftToTheEngine() {
    assertThat(LiteralRule.parse("^/api/.*/pods/.*/exec")).isNotNull();
    assertThat(LiteralRule.parse("^127\\.0\\.0\\.1$")).isNotNull();
    assertThat(LiteralRule.parse("^\\[::1\\]$")).isNotNull();
    for (String engine : new String[] {"^/api/[a-z]+", "a|b", "(a)", "a+", "\\d", ".*?x", "a.b", "^x\\$$y", "\\Qx\\E"}) {
      assertThat(LiteralRule.parse(engine)).as(engine).isNull();
    }
  }
}
