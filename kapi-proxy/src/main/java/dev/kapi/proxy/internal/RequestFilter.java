package dev.kapi.proxy.internal;

import dev.kapi.proxy.FilterRule;
import dev.kapi.proxy.FilterRules;
import java.util.List;
import java.util.Locale;

/**
 * kubectl proxy's {@code FilterServer.accept}, as a pure function with its order: reject-paths, then
 * reject-methods, then accept-paths AND accept-hosts. Differences, both deliberate: the path is the canonical one
 * (see {@link RequestCanonicaliser}) and the Host keeps its IPv6 brackets when the port is stripped, so the
 * default rule {@code ^\[::1\]$} accepts {@code Host: [::1]:8001} (kubernetes/kubernetes#77496); the bare form
 * {@code ::1} is tried too, so rules written around that bug keep working. Hosts are matched lower-cased (DNS is
 * case-insensitive) and as sent (so a rule with capitals matches what kubectl's does).
 */
final class RequestFilter {

  private final FilterRules rules;
  private final Rule[] acceptPaths;
  private final Rule[] rejectPaths;
  private final Rule[] acceptHosts;
  private final Rule[] rejectMethods;

  RequestFilter(FilterRules rules) {
    this.rules = rules;
    this.acceptPaths = Rule.of(rules.acceptPaths());
    this.rejectPaths = Rule.of(rules.rejectPaths());
    this.acceptHosts = Rule.of(rules.acceptHosts());
    this.rejectMethods = Rule.of(rules.rejectMethods());
  }

  FilterDecision decide(String method, String path, String hostHeader) {
    FilterDecision d = decidePathAndMethod(method, path);
    return d instanceof FilterDecision.Deny ? d : decideHost(hostHeader);
  }

  /** The first three checks, in kubectl's order: reject-paths, reject-methods, accept-paths. */
  FilterDecision decidePathAndMethod(String method, String path) {
    Rule r = firstMatch(rejectPaths, path);
    if (r != null) {
      return new FilterDecision.Deny("path \"" + path + "\" matches --reject-paths rule \"" + r.pattern() + "\"");
    }
    r = firstMatch(rejectMethods, method);
    if (r != null) {
      return new FilterDecision.Deny("method " + method + " matches --reject-methods rule \"" + r.pattern() + "\"");
    }
    if (firstMatch(acceptPaths, path) == null) {
      return new FilterDecision.Deny("path \"" + path + "\" matches no --accept-paths rule (\""
          + FilterRules.spell(rules.acceptPaths()) + "\")");
    }
    return FilterDecision.ALLOW;
  }

  /**
   * {@link #decidePathAndMethod} for a canonical path as sent: the checks see it without a trailing "/", and
   * reject-paths sees the slashed form too, because the API server acts on either (a rule written for the
   * slashed form must refuse it).
   */
  /**
   * --reject-paths alone, on the path the API server will act on when it differs from the path as sent
   * (--append-server-path with a server URL such as {@code https://host/api}): a rule written for the Kubernetes
   * path must hold however much of it the server URL supplies. --accept-paths stays with the path as sent, as
   * kubectl reads it.
   */
  FilterDecision decideRejectPathsUpstream(String upstreamPath) {
    for (String p : new String[] {CanonicalTarget.trimTrailingSlash(upstreamPath), upstreamPath}) {
      Rule r = firstMatch(rejectPaths, p);
      if (r != null) {
        return new FilterDecision.Deny("path \"" + p + "\" (with the server URL's path) matches --reject-paths rule \""
            + r.pattern() + "\"");
      }
    }
    return FilterDecision.ALLOW;
  }

  FilterDecision decidePathAndMethodAsSent(String method, String pathAsSent) {
    String trimmed = CanonicalTarget.trimTrailingSlash(pathAsSent);
    FilterDecision d = decidePathAndMethod(method, trimmed);
    if (d instanceof FilterDecision.Deny || trimmed.equals(pathAsSent)) {
      return d;
    }
    Rule r = firstMatch(rejectPaths, pathAsSent);
    return r == null ? d
        : new FilterDecision.Deny("path \"" + pathAsSent + "\" matches --reject-paths rule \"" + r.pattern() + "\"");
  }

  /** The last check: accept-hosts. Depends on the Host header alone, so a connection may remember it. */
  FilterDecision decideHost(String hostHeader) {
    String asSent = hostWithoutPort(hostHeader);
    String host = asSent.toLowerCase(Locale.ROOT);
    if (!acceptsHost(host) && (host.equals(asSent) || !acceptsHost(asSent))) {
      return new FilterDecision.Deny("host \"" + host + "\" matches no --accept-hosts rule (\""
          + FilterRules.spell(rules.acceptHosts()) + "\")");
    }
    return FilterDecision.ALLOW;
  }

  /** Lower-cased, or as sent: a rule written for kubectl with capitals ({@code ^MyHost$}) still matches. */
  private boolean acceptsHost(String host) {
    return firstMatch(acceptHosts, host) != null || host.startsWith("[") && host.endsWith("]")
        && firstMatch(acceptHosts, host.substring(1, host.length() - 1)) != null;
  }

  /**
   * Whether a Host header has only the characters Go's server allows in one ({@code httpguts.ValidHostHeader}):
   * letters, digits and {@code !$%&'()*+,-.:;=[]_~}. kubectl proxy's server answers 400 to anything else, such as
   * {@code localhost:1@evil.example}, whose port this filter would otherwise have stripped.
   */
  static boolean validHostHeader(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!$%&'()*+,-.:;=[]_~".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The {@code Origin} of an upgrade request. A web page can open a WebSocket to {@code localhost} without a
   * preflight, and its Host is then one this filter accepts; its Origin names the page's site, which must be an
   * accepted host too. kubectl and client-go send no Origin; a client that sends its target's, as the Python
   * client does, passes. An opaque origin ({@code null}) names no host and is refused by the default rules.
   */
  FilterDecision decideOrigin(String origin) {
    String o = origin.strip();
    int scheme = o.indexOf("://");
    String authority = scheme < 0 ? o : o.substring(scheme + 3);
    int slash = authority.indexOf('/');
    String host = slash < 0 ? authority : authority.substring(0, slash);
    // an origin is scheme://host[:port]; with "user@" or the like its port would be stripped and "localhost" seen
    FilterDecision d = validHostHeader(host) ? decideHost(host)
        : new FilterDecision.Deny("\"" + host + "\" is not a host, so it matches no --accept-hosts rule");
    return d instanceof FilterDecision.Deny deny ? new FilterDecision.Deny("origin \"" + o + "\": " + deny.reason()) : d;
  }

  private static Rule firstMatch(Rule[] rules, String subject) {
    for (Rule r : rules) {
      if (r.matches(subject)) {
        return r;
      }
    }
    return null;
  }

  /**
   * One rule, with the defaults' trivial forms answered without looking at the subject: {@code ^.*} (and {@code .*},
   * {@code ^}, the empty rule) match everything; {@code ^$} matches only the empty string.
   */
  private record Rule(FilterRule rule, int kind) {
    static final int OTHER = 0;
    static final int EVERYTHING = 1;
    static final int EMPTY_ONLY = 2;

    static Rule[] of(List<FilterRule> rules) {
      Rule[] out = new Rule[rules.size()];
      for (int i = 0; i < out.length; i++) {
        FilterRule r = rules.get(i);
        int kind = switch (r.pattern()) {
          case "", "^", ".*", "^.*" -> EVERYTHING;
          case "^$" -> EMPTY_ONLY;
          default -> OTHER;
        };
        out[i] = new Rule(r, kind);
      }
      return out;
    }

    boolean matches(String s) {
      return switch (kind) {
        case EVERYTHING -> true;
        case EMPTY_ONLY -> s.isEmpty();
        default -> rule.find(s);
      };
    }

    String pattern() {
      return rule.pattern();
    }
  }

  /**
   * The Host header without its port: {@code [::1]:8001} → {@code [::1]}, {@code localhost:8001} →
   * {@code localhost}; a value with several colons and no brackets (not a valid Host) is kept whole.
   */
  static String hostWithoutPort(String host) {
    if (host == null) {
      return "";
    }
    String h = host.strip();
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close > 0 && (close == h.length() - 1 || isPort(h, close + 1))) {
        h = h.substring(0, close + 1);
      }
    } else {
      int colon = h.indexOf(':');
      if (colon >= 0 && colon == h.lastIndexOf(':')) {
        h = h.substring(0, colon);
      }
    }
    return h;
  }

  /** ":" and digits (possibly none) from {@code from} to the end. */
  private static boolean isPort(String h, int from) {
    if (h.charAt(from) != ':') {
      return false;
    }
    for (int i = from + 1; i < h.length(); i++) {
      if (!Character.isDigit(h.charAt(i)) || h.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
