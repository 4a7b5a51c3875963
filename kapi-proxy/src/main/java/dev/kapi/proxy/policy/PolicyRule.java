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
      return nonResourceURLs.stream().anyMatch(u -> u.equals("*") || u.equals(r.path())
          || (u.endsWith("*") && r.path().startsWith(u.substring(0, u.length() - 1))));
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

  /** RBAC's resource matching: {@code *}, {@code pods}, {@code pods/log}, {@code pods/*}, {@code * /scale}. */
  private static boolean resourceMatches(String rule, RequestInfo r) {
    if (rule.equals("*") || rule.equals(r.qualifiedResource())) {
      return true;
    }
    if (r.subresource().isEmpty()) {
      return false;
    }
    return rule.equals(r.resource() + "/*") || rule.equals("*/" + r.subresource());
  }
}
