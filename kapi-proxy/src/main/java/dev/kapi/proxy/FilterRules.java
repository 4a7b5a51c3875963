package dev.kapi.proxy;

import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kubectl proxy's request filter as a value: four lists of unanchored regular expressions, each given on the
 * command line as one comma-separated string (so a rule cannot contain a comma, as with kubectl). A rule matches
 * when it is found anywhere in the subject ({@code regexp.MatchString}), so anchor rules with {@code ^}/{@code $}.
 * The rules are Go regular expressions, as in kubectl ({@link FilterRule}): {@code [[:alnum:]]} a class, {@code .}
 * everything but a newline, {@code $} the end of the subject only.
 *
 * @param acceptPaths   a path must match one of these…
 * @param rejectPaths   …and none of these (checked first)
 * @param acceptHosts   the Host (port stripped, lower-cased) must match one of these
 * @param rejectMethods the method must match none of these
 */
public record FilterRules(List<FilterRule> acceptPaths, List<FilterRule> rejectPaths, List<FilterRule> acceptHosts,
    List<FilterRule> rejectMethods) {

  public static final String DEFAULT_ACCEPT_PATHS = "^.*";
  public static final String DEFAULT_REJECT_PATHS = "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach";
  public static final String DEFAULT_ACCEPT_HOSTS = "^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$";
  public static final String DEFAULT_REJECT_METHODS = "^$";

  public FilterRules {
    acceptPaths = List.copyOf(acceptPaths);
    rejectPaths = List.copyOf(rejectPaths);
    acceptHosts = List.copyOf(acceptHosts);
    rejectMethods = List.copyOf(rejectMethods);
  }

  /** kubectl proxy's defaults. */
  public static FilterRules kubectlDefaults() {
    return parse(DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_PATHS, DEFAULT_ACCEPT_HOSTS, DEFAULT_REJECT_METHODS);
  }

  /**
   * Compiles the four flag values.
   *
   * @throws InvalidRuleException naming the flag and the rule that does not compile
   */
  public static FilterRules parse(String acceptPaths, String rejectPaths, String acceptHosts, String rejectMethods) {
    return new FilterRules(compile("--accept-paths", acceptPaths), compile("--reject-paths", rejectPaths),
        compile("--accept-hosts", acceptHosts), compile("--reject-methods", rejectMethods));
  }

  /** kubectl's {@code MakeRegexpArray}: "" is no rules at all; otherwise split on every comma, even "a,,b". */
  static List<FilterRule> compile(String flag, String value) {
    List<FilterRule> out = new ArrayList<>();
    if (value == null || value.isEmpty()) {
      return out;
    }
    for (String part : value.split(",", -1)) {
      try {
        out.add(FilterRule.compile(part));
      } catch (PatternSyntaxException e) {
        throw new InvalidRuleException(flag, part, e.getDescription() + (e.getPattern().isEmpty() ? ""
            : " at \"" + e.getPattern() + "\""));
      }
    }
    return out;
  }

  /** The rules of one list as the flag would spell them. */
  public static String spell(List<FilterRule> rules) {
    return rules.stream().map(FilterRule::pattern).collect(Collectors.joining(","));
  }

  /** A filter rule that is not a valid regular expression. */
  public static final class InvalidRuleException extends IllegalArgumentException {
    public InvalidRuleException(String flag, String rule, String problem) {
      super(flag + ": invalid regular expression \"" + rule + "\": " + problem);
    }
  }
}
