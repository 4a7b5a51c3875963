package dev.kapi.proxy.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives {@link RequestInfo} from method, canonical path and decoded query the way the API server's
 * {@code requestinfo.go} does, so a local rule means what the same RBAC rule would mean upstream.
 */
public final class RequestInfoParser {

  private static final Set<String> API_PREFIXES = Set.of("api", "apis");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  private RequestInfoParser() {
  }

  /**
   * @param method HTTP method
   * @param path   canonical, decoded path starting with {@code /}
   * @param query  decoded query parameters (first value each)
   */
  public static RequestInfo parse(String method, String path, Map<String, String> query) {
    String httpVerb = method.toLowerCase(Locale.ROOT);
    List<String> parts = split(path);
    if (parts.size() < 3 || !API_PREFIXES.contains(parts.get(0))) {
      return nonResource(httpVerb, path);
    }
    String prefix = parts.get(0);
    List<String> current = parts.subList(1, parts.size());
    String group = "";
    if (prefix.equals("apis")) {
      if (current.size() < 3) {
        return nonResource(httpVerb, path); // /apis/group/version is discovery
      }
      group = current.get(0);
      current = current.subList(1, current.size());
    }
    String version = current.get(0);
    current = current.subList(1, current.size());

    String verb;
    boolean special = false;
    switch (method.toUpperCase(Locale.ROOT)) {
      case "POST" -> verb = "create";
      case "GET", "HEAD" -> verb = "get";
      case "PUT" -> verb = "update";
      case "PATCH" -> verb = "patch";
      case "DELETE" -> verb = "delete";
      default -> verb = httpVerb;
    }
    // deprecated /api/v1/watch/... and /api/v1/proxy/... forms
    if (!current.isEmpty() && (current.get(0).equals("watch") || current.get(0).equals("proxy"))) {
      verb = current.get(0);
      special = true;
      current = current.subList(1, current.size());
      if (current.isEmpty()) {
        return new RequestInfo(true, verb, path, prefix, group, version, "", "", "", "", List.of());
      }
    }

    String namespace = "";
    if (current.get(0).equals("namespaces")) {
      if (current.size() > 1) {
        namespace = current.get(1);
        if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
          current = current.subList(2, current.size());
        }
      }
    }
    String resource = current.get(0);
    String name = current.size() >= 2 ? current.get(1) : "";
    String subresource = current.size() >= 3 ? current.get(2) : "";
    List<String> rest = current.size() > 3 ? List.copyOf(current.subList(3, current.size())) : List.of();
    if (!special && name.isEmpty() && verb.equals("get")) {
      verb = "true".equals(query.get("watch")) || "1".equals(query.get("watch")) ? "watch" : "list";
      String fieldSelector = query.get("fieldSelector");
      if (fieldSelector != null) {
        String exact = exactName(fieldSelector);
        if (exact != null) {
          name = exact;
        }
      }
    }
    if (!special && name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new RequestInfo(true, verb, path, prefix, group, version, namespace, resource, subresource, name, rest);
  }

  private static RequestInfo nonResource(String httpVerb, String path) {
    return new RequestInfo(false, httpVerb, path, "", "", "", "", "", "", "", List.of());
  }

  /** {@code metadata.name=x} (or {@code ==}) as the only term of a field selector. */
  private static String exactName(String selector) {
    if (selector.contains(",")) {
      for (String term : selector.split(",")) {
        String n = exactName(term);
        if (n != null) {
          return n;
        }
      }
      return null;
    }
    for (String op : new String[] {"==", "="}) {
      int i = selector.indexOf(op);
      if (i > 0 && selector.substring(0, i).strip().equals("metadata.name") && !selector.contains("!=")) {
        String v = selector.substring(i + op.length()).strip();
        return v.isEmpty() ? null : v;
      }
    }
    return null;
  }

  private static List<String> split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(p.split("/", -1)));
  }
}
