package dev.kapi.proxy.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Just enough of apimachinery's {@code fields.ParseSelector} to answer {@code RequiresExactMatch(field)} the way
 * the API server does when it derives a list's object name from {@code fieldSelector=metadata.name=x}: terms split
 * on unescaped commas and sorted, operators {@code !=}, {@code ==}, {@code =} found at their first position, no
 * whitespace trimming, values unescaped strictly ({@code \\}, {@code \,}, {@code \=} only; a bare {@code ,} or
 * {@code =} in a value is an error). A selector the server would refuse yields no name, never a guessed one.
 */
final class FieldSelector {

  private static final String[] OPERATORS = {"!=", "==", "="};

  private FieldSelector() {
  }

  static Optional<String> requiresExactMatch(String selector, String field) {
    List<String> terms = splitTerms(selector);
    Collections.sort(terms);
    String match = null;
    for (String term : terms) {
      if (term.isEmpty()) {
        continue;
      }
      int at = -1;
      String op = null;
      search:
      for (int i = 0; i < term.length(); i++) {
        for (String candidate : OPERATORS) {
          if (term.startsWith(candidate, i)) {
            at = i;
            op = candidate;
            break search;
          }
        }
      }
      if (op == null) {
        return Optional.empty(); // the whole selector is invalid upstream
      }
      String value = unescapeValue(term.substring(at + op.length()));
      if (value == null) {
        return Optional.empty();
      }
      if (match == null && !op.equals("!=") && term.substring(0, at).equals(field)) {
        match = value;
      }
    }
    return Optional.ofNullable(match);
  }

  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    if (selector.isEmpty()) {
      return terms;
    }
    int start = 0;
    boolean inSlash = false;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (inSlash) {
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',') {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  private static String unescapeValue(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        if (c != '\\' && c != ',' && c != '=') {
          return null;
        }
        b.append(c);
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',' || c == '=') {
        return null;
      } else {
        b.append(c);
      }
    }
    return inSlash ? null : b.toString();
  }
}
