package dev.kapi.proxy.internal;

/**
 * A request target reduced to the one form the API server will act on.
 *
 * @param path      the percent-decoded path, starting with "/", with no empty, "." or ".." segment and no
 *                  encoded "/", "\" or "%"; a trailing "/" is kept as sent
 * @param rawQuery  the query as sent (validated ASCII with well-formed escapes), or null for none
 * @param authority the authority of an absolute-form target ({@code GET http://host:port/path}), else null; the
 *                  Host header is then ignored (RFC 9112 §3.2.2)
 */
record CanonicalTarget(String path, String rawQuery, String authority) {

  /** The path without its trailing "/" (except for "/" itself): what the filter matches (see the canonicaliser). */
  String filterPath() {
    return trimTrailingSlash(path);
  }

  static String trimTrailingSlash(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
