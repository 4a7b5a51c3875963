package dev.kapi.proxy.observe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A request target fit for logs: the path as is, and the value of every query parameter whose name suggests a
 * secret replaced by {@code REDACTED}. API paths carry object names, never credentials, but query strings
 * sometimes do ({@code ?access_token=}, presigned {@code ?signature=}), as OkHttp's {@code redactedUrl()} assumes.
 */
public final class RedactedPath {

  static final String REDACTED = "REDACTED";
  private static final List<String> SECRET_WORDS =
      List.of("token", "secret", "password", "passwd", "key", "signature", "credential", "auth", "session", "jwt");
  // whole names only: an Azure SAS signature, an OAuth authorization code (a service-proxy login callback)
  private static final List<String> SECRET_NAMES = List.of("sig", "code", "state");

  private RedactedPath() {
  }

  /** {@code target} (path with optional {@code ?query}) with secret-looking query values redacted. */
  public static String of(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return target;
    }
    StringBuilder out = new StringBuilder(target.length()).append(target, 0, q + 1);
    String query = target.substring(q + 1);
    int start = 0;
    while (start <= query.length()) {
      int end = start;
      while (end < query.length() && query.charAt(end) != '&' && query.charAt(end) != ';') {
        end++; // ";" separates parameters for some servers behind the proxy subresource, as "&" does
      }
      String pair = query.substring(start, end);
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (eq >= 0 && looksSecret(name)) {
        out.append(name).append('=').append(REDACTED);
      } else {
        out.append(pair);
      }
      if (end < query.length()) {
        out.append(query.charAt(end));
      }
      start = end + 1;
    }
    return out.toString();
  }

  /** True when a query parameter named {@code name} (raw or percent-encoded) probably carries a secret. */
  public static boolean looksSecret(String name) {
    String decoded;
    try {
      decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      decoded = name;
    }
    String lower = decoded.toLowerCase(Locale.ROOT);
    if (SECRET_NAMES.contains(lower)) {
      return true;
    }
    for (String word : SECRET_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }
}
