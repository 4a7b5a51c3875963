package dev.kapi.proxy.policy;

import java.util.List;

/**
 * What a request does, in the API server's own terms (its {@code RequestInfo}): the verb as RBAC sees it (list vs
 * get vs watch, deletecollection, create for POST), and for resource requests the group, version, namespace,
 * resource, subresource and name. Derived from the canonical path alone, before anything goes upstream.
 *
 * @param resourceRequest false for {@code /api}, {@code /apis/g/v}, {@code /version}, {@code /healthz} …
 * @param verb            RBAC verb: get, list, watch, create, update, patch, delete, deletecollection; for non-resource
 *                        requests the lower-cased HTTP method
 * @param path            the canonical path
 * @param apiGroup        "" for the core group
 * @param namespace       "" when cluster-scoped
 * @param parts           the path segments after the version (and namespace), for extra subresource segments
 */
public record RequestInfo(boolean resourceRequest, String verb, String path, String apiPrefix, String apiGroup,
    String apiVersion, String namespace, String resource, String subresource, String name, List<String> parts) {

  /** {@code resource/subresource}, or {@code resource}: how RBAC rules name it. */
  public String qualifiedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /** A short human description, e.g. {@code list configmaps in namespace "demo"}. */
  public String describe() {
    if (!resourceRequest) {
      return verb + " on non-resource URL " + path;
    }
    StringBuilder b = new StringBuilder(verb.isEmpty() ? "(a method with no RBAC verb)" : verb)
        .append(" resource \"").append(qualifiedResource()).append('"');
    b.append(" in API group \"").append(apiGroup).append('"');
    if (!name.isEmpty()) {
      b.append(" named \"").append(name).append('"');
    }
    b.append(namespace.isEmpty() ? " at the cluster scope" : " in the namespace \"" + namespace + "\"");
    return b.toString();
  }
}
