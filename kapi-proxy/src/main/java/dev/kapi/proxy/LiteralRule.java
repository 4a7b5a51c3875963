package dev.kapi.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * A filter rule that is only literal text and {@code .*}, optionally anchored with {@code ^} and {@code $}, matched
 * with {@code startsWith}/{@code indexOf}/{@code endsWith} instead of a regular-expression engine: kubectl's default
 * rules ({@code ^/api/.*}{@code /pods/.*}{@code /exec}, {@code ^localhost$}) are of this shape, and they run on every
 * request. For a subject without a newline (Go's {@code .} stops at one; paths, hosts and methods never hold one)
 * the answer is the Go regular expression's: literals in order, each found after the one before, leftmost first,
 * leaves the most room for the rest.
 */
final class LiteralRule {

  private final boolean anchoredStart;
  private final boolean anchoredEnd;
  private final String[] literals; // separated by .* in the rule

  private LiteralRule(boolean anchoredStart, boolean anchoredEnd, String[] literals) {
    this.anchoredStart = anchoredStart;
    this.anchoredEnd = anchoredEnd;
    this.literals = literals;
  }

  /** The rule as literals and {@code .*}, or null when it uses anything else (a class, a group, a quantifier …). */
  static LiteralRule parse(String rule) {
    boolean start = rule.startsWith("^");
    int from = start ? 1 : 0;
    int to = rule.length();
    boolean end = false;
    if (to > from && rule.charAt(to - 1) == '$') {
      int backslashes = 0;
      for (int i = to - 2; i >= from && rule.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        end = true;
        to--;
      }
    }
    List<String> literals = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    for (int i = from; i < to; i++) {
      char c = rule.charAt(i);
      if (c == '\\') {
        if (i + 1 >= to || !isEscapablePunctuation(rule.charAt(i + 1))) {
          return null; // \d, \b, \Q …: left to the engine
        }
        lit.append(rule.charAt(++i));
      } else if (c == '.' && i + 1 < to && rule.charAt(i + 1) == '*') {
        if (i + 2 < to && "*+?{".indexOf(rule.charAt(i + 2)) >= 0) {
          return null; // .*? and friends: left to the engine
        }
        literals.add(lit.toString());
        lit.setLength(0);
        i++;
      } else if (".[](){}*+?^$|".indexOf(c) >= 0) {
        return null;
      } else {
        lit.append(c);
      }
    }
    literals.add(lit.toString());
    return new LiteralRule(start, end, literals.toArray(new String[0]));
  }

  /** Go's regexp treats a backslash before any ASCII punctuation as that character. */
  private static boolean isEscapablePunctuation(char c) {
    return c < 0x80 && !Character.isLetterOrDigit(c) && c > ' ';
  }

  /** Whether the rule is found in {@code s}, which must not contain a newline. */
  boolean find(String s) {
    String first = literals[0];
    if (literals.length == 1) {
      if (anchoredStart && anchoredEnd) {
        return s.equals(first);
      }
      return anchoredStart ? s.startsWith(first) : anchoredEnd ? s.endsWith(first) : s.contains(first);
    }
    int pos;
    if (anchoredStart) {
      if (!s.startsWith(first)) {
        return false;
      }
      pos = first.length();
    } else {
      int at = s.indexOf(first);
      if (at < 0) {
        return false;
      }
      pos = at + first.length();
    }
    for (int i = 1; i < literals.length - 1; i++) {
      int at = s.indexOf(literals[i], pos);
      if (at < 0) {
        return false;
      }
      pos = at + literals[i].length();
    }
    String last = literals[literals.length - 1];
    return anchoredEnd ? s.endsWith(last) && s.length() - last.length() >= pos : s.indexOf(last, pos) >= 0;
  }
}
