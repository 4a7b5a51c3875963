package dev.kapi.proxy.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The authorization checks of the API server's (legacy) impersonation mode for a request's {@code Impersonate-*}
 * headers, as {@link RequestInfo}s with verb {@code impersonate}, in the server's order:
 * <ul>
 *   <li>{@code Impersonate-User}: resource {@code users} in the core group ({@code ""}), named after the user; or,
 *       for {@code system:serviceaccount:NS:NAME}, resource {@code serviceaccounts} in the core group, namespace
 *       NS, named NAME;</li>
 *   <li>{@code Impersonate-Uid}: {@code uids} in {@code authentication.k8s.io};</li>
 *   <li>each {@code Impersonate-Group}: {@code groups} in the core group;</li>
 *   <li>each value of {@code Impersonate-Extra-KEY}: {@code userextras} with subresource KEY (lower-cased, then
 *       percent-decoded) in {@code authentication.k8s.io}.</li>
 * </ul>
 * Since 1.35 the server also tries "constrained impersonation" ({@code impersonate:user-info},
 * {@code impersonate-on:MODE:VERB}) before this mode. kapi's policy does not evaluate those verbs: a policy
 * allows impersonation only with the classic rules above, and refuses otherwise (it fails closed; RBAC upstream
 * still decides in every case).
 */
public final class Impersonation {

  public static final String PREFIX = "impersonate-";
  private static final String EXTRA_PREFIX = "impersonate-extra-";
  private static final String AUTHN_GROUP = "authentication.k8s.io";
  private static final String SA_PREFIX = "system:serviceaccount:";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private Impersonation() {
  }

  /** Whether a header name is one the impersonation filter reads (case-insensitive, as Go's canonical headers). */
  public static boolean isImpersonationHeader(String name) {
    return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** One check per impersonated identity element; empty when the request impersonates nobody. */
  public static List<RequestInfo> checks(Iterable<? extends Map.Entry<String, String>> headers) {
    String user = null;
    String uid = null;
    List<RequestInfo> groups = new ArrayList<>();
    List<RequestInfo> others = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String value = h.getValue();
      if (name.equals("impersonate-user")) {
        user = user == null ? value : user; // Go's Header.Get: the first value
      } else if (name.equals("impersonate-uid")) {
        uid = uid == null ? value : uid;
      } else if (name.equals("impersonate-group")) {
        groups.add(check("", "", "groups", "", value));
      } else if (name.startsWith(EXTRA_PREFIX)) {
        others.add(check(AUTHN_GROUP, "", "userextras", unescapeExtraKey(name.substring(EXTRA_PREFIX.length())), value));
      } else {
        // Impersonate-Anything-Else is ignored upstream today; a later API server may read it, so it needs a
        // rule of its own rather than slipping through unchecked
        others.add(check(AUTHN_GROUP, "", name.substring(PREFIX.length()), "", value));
      }
    }
    boolean hasUid = uid != null && !uid.isEmpty();
    if ((user == null || user.isEmpty()) && groups.isEmpty() && others.isEmpty() && !hasUid) {
      return List.of();
    }
    List<RequestInfo> out = new ArrayList<>();
    // without a user the server refuses the request; kapi requires the "any user" permission, never nothing
    out.add(user == null || user.isEmpty() ? check("", "", "users", "", "") : userCheck(user));
    if (hasUid) {
      out.add(check(AUTHN_GROUP, "", "uids", "", uid));
    }
    out.addAll(groups);
    out.addAll(others);
    return out;
  }

  private static RequestInfo userCheck(String user) {
    if (user.startsWith(SA_PREFIX)) {
      // serviceaccount.SplitUsername: exactly NS:NAME, NS a DNS label, NAME a DNS subdomain; otherwise a user
      String[] nsName = user.substring(SA_PREFIX.length()).split(":", -1);
      if (nsName.length == 2 && DNS_LABEL.matcher(nsName[0]).matches() && isDnsSubdomain(nsName[1])) {
        return check("", nsName[0], "serviceaccounts", "", nsName[1]);
      }
    }
    return check("", "", "users", "", user);
  }

  /** apimachinery's IsDNS1123Subdomain: at most 253 characters; its labels have no 63-character limit. */
  private static boolean isDnsSubdomain(String name) {
    return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  private static RequestInfo check(String group, String namespace, String resource, String subresource, String name) {
    return new RequestInfo(true, "impersonate", "", group.isEmpty() ? "api" : "apis", group, "v1", namespace, resource,
        subresource, name, List.of());
  }

  /** Go's {@code url.PathUnescape}, falling back to the raw key on a bad escape as the server does. */
  private static String unescapeExtraKey(String key) {
    if (key.indexOf('%') < 0) {
      return key;
    }
    String decoded = GoQuery.unescape(key.replace("+", "%2B")); // path unescaping leaves '+' alone
    return decoded == null ? key : decoded;
  }
}
