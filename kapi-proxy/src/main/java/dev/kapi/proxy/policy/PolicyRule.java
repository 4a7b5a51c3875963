package dev.kapi.proxy.policy;

import java.util.List;

/**
 * One rule in the shape of a Kubernetes Role rule, plus {@code namespaces}: empty lists of apiGroups, resources
 * or verbs match nothing (as in RBAC); {@code *} matches all; {@code resourceNames} empty matches every name;
 * {@code namespaces} empty matches every namespace (and cluster-scoped requests).
 */
public record PolicyRule(List<String> apiGroups, List<String> resources, List<String> resourceNames, List<String> verbs,
    List<String> namespaces, List<String> nonResourceURLs) {

  public PolicyRule {
    apiGroups = List.copyOf(apiGroups == null ? List.of() : apiGroups);
    resources = List.copyOf(resources == null ? List.of() : resources);
    resourceNames = List.copyOf(resourceNames == null ? List.of() : resourceNames);
    verbs = List.copyOf(verbs == null ? List.of() : verbs);
    namespaces = List.copyOf(namespaces == null ? List.of() : namespaces);
    nonResourceURLs = List.copyOf(nonResourceURLs == null ? List.of() : nonResourceURLs);
  }

  boolean allows(RequestInfo r) {
    if (!matchesAny(verbs, r.verb())) {
      return false;
    }
    if (!r.resourceRequest()) {
      return nonResourceURLs.stream().anyMatch(u -> nonResourceUrlMatches(u, r.path()));
    }
    if (!nonResourceURLs.isEmpty() && resources.isEmpty()) {
      return false;
    }
    return matchesAny(apiGroups, r.apiGroup())
        && resources.stream().anyMatch(res -> resourceMatches(res, r))
        && (resourceNames.isEmpty() || resourceNames.contains(r.name()))
        && (namespaces.isEmpty() || namespaces.contains("*") || (!r.namespace().isEmpty() && namespaces.contains(r.namespace())));
  }

  private static boolean matchesAny(List<String> allowed, String value) {
    return allowed.contains("*") || allowed.contains(value);
  }

  /**
   * RBAC's {@code ResourceMatches}: {@code *}, an exact {@code pods} or {@code pods/log}, or {@code *}{@code /scale}
   * for a subresource of any resource. RBAC has no {@code pods/*} form, so neither has kapi: such a rule matches
   * only a subresource literally named {@code *}, here as upstream.
   */
  private static boolean resourceMatches(String rule, RequestInfo r) {
    if (rule.equals("*") || rule.equals(r.qualifiedResource())) {
      return true;
    }
    return !r.subresource().isEmpty() && rule.equals("*/" + r.subresource());
  }

  /** RBAC's {@code NonResourceURLMatches}: {@code *}, exact, or a prefix ending in {@code *}. */
  private static boolean nonResourceUrlMatches(String rule, String path) {
    if (rule.equals("*") || rule.equals(path)) {
      return true;
    }
    if (!rule.endsWith("*")) {
      return false;
    }
    int end = rule.length();
    while (end > 0 && rule.charAt(end - 1) == '*') {
      end--; // Go's strings.TrimRight(rule, "*")
    }
    return path.startsWith(rule.substring(0, end));
  }
}
