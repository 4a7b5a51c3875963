package dev.kapi.proxy.internal;

/** What the request filter decided: let it through, or refuse it naming the rule. */
sealed interface FilterDecision {

  FilterDecision ALLOW = new Allow();

  record Allow() implements FilterDecision {
  }

  /** @param reason names the flag and rule, e.g. {@code path "/api/…/exec" matches --reject-paths rule "…"} */
  record Deny(String reason) implements FilterDecision {

    /** The flag whose rule refused, e.g. {@code reject-paths} (the metric's {@code rule} label). */
    String rule() {
      int i = reason.indexOf("--");
      if (i < 0) {
        return "filter";
      }
      int end = i + 2;
      while (end < reason.length() && (Character.isLetter(reason.charAt(end)) || reason.charAt(end) == '-')) {
        end++;
      }
      return reason.substring(i + 2, end);
    }
  }
}
