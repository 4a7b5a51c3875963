package dev.kapi.proxy.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Derives {@link RequestInfo} from method, canonical path and query the way the API server's
 * {@code requestinfo.go} does, so a local rule means what the same RBAC rule would mean upstream.
 *
 * <p>Where kapi and the server could read a request differently, the difference is a policy bypass, so the
 * details follow the server exactly: the HTTP method is case-sensitive; {@code watch} is true for any first value
 * but {@code 0} and {@code false} (case-insensitive; {@code ?watch=yes} and a bare {@code ?watch} are watches);
 * the query is read as Go reads it ({@link GoQuery}); a list's name comes from a {@code metadata.name} field
 * selector only when the server's own selector parser would find it and the name is a valid path segment; the
 * {@code proxy} special verb has no subresource.
 */
public final class RequestInfoParser {

  private static final Set<String> API_PREFIXES = Set.of("api", "apis");
  private static final Set<String> GROUPLESS_API_PREFIXES = Set.of("api");
  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  private RequestInfoParser() {
  }

  /**
   * @param method   HTTP method, as sent (case-sensitive, as in Go)
   * @param path     canonical, decoded path starting with {@code /}
   * @param rawQuery the query string exactly as it is forwarded upstream (without {@code ?}), or null
   */
  public static RequestInfo parse(String method, String path, String rawQuery) {
    return derive(method, path, GoQuery.parse(rawQuery));
  }

  /**
   * @param query decoded query parameters, one value each (tests and callers that already hold decoded values;
   *              the proxy passes the raw query to {@link #parse(String, String, String)})
   */
  public static RequestInfo parse(String method, String path, Map<String, String> query) {
    return derive(method, path, query.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()), (a, b) -> a)));
  }

  private static RequestInfo derive(String method, String path, Map<String, List<String>> query) {
    String httpVerb = method.toLowerCase(Locale.ROOT);
    List<String> parts = split(path);
    if (parts.size() < 3 || !API_PREFIXES.contains(parts.get(0))) {
      return nonResource(httpVerb, path);
    }
    String prefix = parts.get(0);
    List<String> current = parts.subList(1, parts.size());
    String group = "";
    if (!GROUPLESS_API_PREFIXES.contains(prefix)) {
      if (current.size() < 3) {
        return nonResource(httpVerb, path); // /apis/group/version is discovery
      }
      group = current.get(0);
      current = current.subList(1, current.size());
    }
    String version = current.get(0);
    current = current.subList(1, current.size());

    String verb;
    boolean verbFromMethod = true;
    if (SPECIAL_VERBS.contains(current.get(0))) {
      verb = current.get(0);
      verbFromMethod = false;
      current = current.subList(1, current.size());
      if (current.isEmpty()) {
        // the server fails such a request ("unable to determine kind and namespace"); nothing to match
        return new RequestInfo(true, verb, path, prefix, group, version, "", "", "", "", List.of());
      }
    } else {
      verb = switch (method) {
        case "POST" -> "create";
        case "GET", "HEAD" -> "get";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> "delete";
        default -> "";
      };
    }

    String namespace = "";
    if (current.get(0).equals("namespaces") && current.size() > 1) {
      namespace = current.get(1);
      if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
        current = current.subList(2, current.size());
      }
    }
    String resource = current.get(0);
    String name = current.size() >= 2 ? current.get(1) : "";
    String subresource = current.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(verb) ? current.get(2) : "";
    List<String> rest = current.size() > 3 ? List.copyOf(current.subList(3, current.size())) : List.of();

    if (name.isEmpty() && verb.equals("get")) {
      verb = isWatch(query) ? "watch" : "list";
      name = first(query, "fieldSelector")
          .flatMap(s -> FieldSelector.requiresExactMatch(s, "metadata.name"))
          .filter(RequestInfoParser::isValidPathSegmentName)
          .orElse("");
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new RequestInfo(true, verb, path, prefix, group, version, namespace, resource, subresource, name, rest);
  }

  /** apimachinery's bool conversion: present and not {@code 0}/{@code false} means true. */
  private static boolean isWatch(Map<String, List<String>> query) {
    return first(query, "watch").map(v -> !(v.equals("0") || v.equalsIgnoreCase("false"))).orElse(false);
  }

  private static Optional<String> first(Map<String, List<String>> query, String key) {
    List<String> values = query.get(key);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** apimachinery's {@code IsValidPathSegmentName}, plus no U+FFFD: a name kapi could not decode exactly is no name. */
  private static boolean isValidPathSegmentName(String name) {
    return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('%') < 0
        && name.indexOf('\uFFFD') < 0;
  }

  private static RequestInfo nonResource(String httpVerb, String path) {
    return new RequestInfo(false, httpVerb, path, "", "", "", "", "", "", "", List.of());
  }

  /** Go's {@code strings.Split(strings.Trim(path, "/"), "/")}: every leading and trailing slash trimmed. */
  private static List<String> split(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    return from == to ? List.of() : Arrays.asList(path.substring(from, to).split("/", -1));
  }
}
