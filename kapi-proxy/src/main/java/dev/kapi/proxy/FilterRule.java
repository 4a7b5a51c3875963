package dev.kapi.proxy;

import com.google.re2j.Pattern;

/**
 * One rule of a filter flag: a Go regular expression, found anywhere in the subject ({@code regexp.MatchString}).
 * RE2/J compiles and matches it as Go's {@code regexp} does, in linear time. A rule of only literal text and
 * {@code .*} (kubectl's defaults are) is searched for as text instead ({@link LiteralRule}), and RE2/J is then
 * not even loaded: its classes would add to every proxy's idle memory for rules that never need it.
 */
public final class FilterRule {

  private final String pattern;
  private final LiteralRule literal; // null: the rule needs the engine
  private volatile Pattern regex; // compiled at once when the rule needs the engine, else on first use

  private FilterRule(String pattern, LiteralRule literal, Pattern regex) {
    this.pattern = pattern;
    this.literal = literal;
    this.regex = regex;
  }

  /**
   * @throws com.google.re2j.PatternSyntaxException when {@code pattern} is not a valid Go regular expression (a
   *     rule of literals and {@code .*} always is)
   */
  static FilterRule compile(String pattern) {
    LiteralRule literal = LiteralRule.parse(pattern);
    return new FilterRule(pattern, literal, literal == null ? Pattern.compile(pattern) : null);
  }

  /** The rule as given on the command line. */
  public String pattern() {
    return pattern;
  }

  /** Whether the rule is found in {@code subject}, as Go's {@code regexp.MatchString}. */
  public boolean find(String subject) {
    if (literal != null && subject.indexOf('\n') < 0) {
      return literal.find(subject); // Go's "." stops at a newline; the text search does not know that
    }
    Pattern p = regex;
    if (p == null) {
      p = Pattern.compile(pattern); // the same answer on any thread that races here
      regex = p;
    }
    return p.matcher(subject).find();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
