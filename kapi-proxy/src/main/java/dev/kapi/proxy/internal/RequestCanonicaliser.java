package dev.kapi.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw HTTP request target into the single path the API server will act on, or refuses it.
 *
 * <p>kubectl proxy relies on Go's ServeMux cleaning redirects before its filter sees a path, then forwards the
 * original escaping. Here the filter and the API server see the same thing by construction: the path is decoded
 * once, anything that could be read two ways is refused with 400, and the decoded form, re-encoded, is what goes
 * upstream. Refused: encoded {@code /}, {@code \} or {@code %} (object names cannot contain them, and they are
 * how double-decoding and segment-smuggling attacks hide), {@code .} and {@code ..} segments (names cannot be
 * those either), empty interior segments ({@code //}), control characters, raw non-ASCII bytes, invalid UTF-8,
 * malformed escapes, and targets that are neither a path nor an absolute http(s) URL. Accepted as the ordinary
 * characters they are for the API server: {@code ;} (no matrix parameters), upper case, and any other escape,
 * e.g. {@code %65xec} is {@code exec}. A raw {@code #} is refused: no request target has a fragment, and Go's
 * server would pass it on as part of the name.
 */
final class RequestCanonicaliser {

  private RequestCanonicaliser() {
  }

  static CanonicalTarget canonicalise(String target) throws BadRequestTarget {
    if (target.isEmpty()) {
      throw new BadRequestTarget("empty request target");
    }
    String authority = null;
    String rest = target;
    if (target.charAt(0) != '/') {
      int schemeEnd = schemeLength(target);
      if (schemeEnd < 0) {
        throw new BadRequestTarget("request target must be a path or an absolute http URL: " + printable(target));
      }
      int authEnd = schemeEnd;
      while (authEnd < target.length() && "/?#".indexOf(target.charAt(authEnd)) < 0) {
        authEnd++;
      }
      authority = target.substring(schemeEnd, authEnd);
      if (authority.isEmpty() || authority.indexOf('@') >= 0 || !visibleAscii(authority)) {
        throw new BadRequestTarget("invalid authority in absolute request target: " + printable(target));
      }
      rest = authEnd < target.length() && target.charAt(authEnd) == '/' ? target.substring(authEnd)
          : "/" + target.substring(authEnd);
    }
    if (rest.indexOf('#') >= 0) {
      // RFC 9112 §3.2 has no "#" in a request target. Go's server keeps it as part of the path or query, which the
      // API server reads as part of a name ("configmaps/foo#x" is not foo); dropping it served foo instead
      throw new BadRequestTarget("a request target cannot contain \"#\" (encode it as %23): " + printable(target));
    }
    int q = rest.indexOf('?');
    String rawPath = q >= 0 ? rest.substring(0, q) : rest;
    String rawQuery = q >= 0 ? rest.substring(q + 1) : null;
    if (rawQuery != null) {
      checkQuery(rawQuery);
    }
    return new CanonicalTarget(decodePath(rawPath), rawQuery, authority);
  }

  /** Length of "http://" or "https://" (case-insensitive) at the start, or -1. */
  private static int schemeLength(String t) {
    if (t.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    if (t.regionMatches(true, 0, "https://", 0, 8)) {
      return 8;
    }
    return -1;
  }

  private static String decodePath(String raw) throws BadRequestTarget {
    // fast path: nothing encoded, nothing to clean (the common case, kept allocation-free)
    boolean plain = true;
    for (int i = 0; i < raw.length() && plain; i++) {
      char c = raw.charAt(i);
      if (c == '%' || c == '.' && raw.charAt(i - 1) == '/' || c == '/' && i > 0 && raw.charAt(i - 1) == '/'
          || c <= 0x20 || c >= 0x7f || c == '\\') {
        plain = false;
      }
    }
    if (plain) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    int start = 1; // raw starts with '/'
    while (true) {
      int end = raw.indexOf('/', start);
      boolean last = end < 0;
      String segment = decodeSegment(raw.substring(start, last ? raw.length() : end));
      if (segment.isEmpty() && !last) {
        throw new BadRequestTarget("empty path segment (\"//\") in " + printable(raw));
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new BadRequestTarget("\"" + segment + "\" path segment in " + printable(raw));
      }
      out.append('/').append(segment);
      if (last) {
        return out.toString();
      }
      start = end + 1;
    }
  }

  private static String decodeSegment(String raw) throws BadRequestTarget {
    if (raw.indexOf('%') < 0) {
      checkRawChars(raw);
      return raw;
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        checkRawChar(c, raw);
        bytes.put((byte) c);
        continue;
      }
      int b = escape(raw, i);
      if (b == '/' || b == '\\' || b == '%') {
        throw new BadRequestTarget("encoded \"" + (char) b + "\" (" + raw.substring(i, i + 3) + ") in path segment "
            + printable(raw));
      }
      if (b < 0x20 || b == 0x7f) {
        throw new BadRequestTarget("encoded control character " + raw.substring(i, i + 3) + " in path segment "
            + printable(raw));
      }
      bytes.put((byte) b);
      i += 2;
    }
    bytes.flip();
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = utf8.decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestTarget("path segment is not valid UTF-8 once decoded: " + printable(raw));
    }
  }

  private static int escape(String s, int i) throws BadRequestTarget {
    if (i + 2 >= s.length()) {
      throw new BadRequestTarget("truncated percent-escape in " + printable(s));
    }
    int hi = Character.digit(s.charAt(i + 1), 16);
    int lo = Character.digit(s.charAt(i + 2), 16);
    if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0x7f || s.charAt(i + 2) > 0x7f) {
      throw new BadRequestTarget("malformed percent-escape \"" + s.substring(i, i + 3) + "\" in " + printable(s));
    }
    return hi << 4 | lo;
  }

  private static void checkRawChars(String raw) throws BadRequestTarget {
    for (int i = 0; i < raw.length(); i++) {
      checkRawChar(raw.charAt(i), raw);
    }
  }

  private static void checkRawChar(char c, String context) throws BadRequestTarget {
    if (c <= 0x20 || c >= 0x7f) {
      throw new BadRequestTarget("raw " + (c < 0x80 ? "control" : "non-ASCII") + " character "
          + String.format("0x%02X", (int) c) + " in path (percent-encode it): " + printable(context));
    }
    if (c == '\\') {
      throw new BadRequestTarget("\"\\\" in path " + printable(context));
    }
  }

  /** The query goes upstream as sent, so it must be unambiguous too: visible ASCII, well-formed escapes. */
  /**
   * Go's {@code url.ParseQuery} (Go >= 1.24.12) fails on a query of more than 10,000 parameters, and the API server
   * then acts as if there were no query at all (1.36.3: 10,001 ignored, 10,000 read): {@code ?watch=1&…} became a
   * plain list, past a policy that allowed only watches. Such a query is refused, from {@value #MAX_QUERY_PARAMETERS}
   * on to leave no doubt at the edge, rather than judged one way and served another.
   */
  static final int MAX_QUERY_PARAMETERS = 10_000;

  private static void checkQuery(String q) throws BadRequestTarget {
    int separators = 0;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new BadRequestTarget("raw control or non-ASCII character " + String.format("0x%02X", (int) c)
            + " in query");
      }
      if (c == '%') {
        escape(q, i);
        i += 2;
      } else if (c == '&' || c == ';') {
        separators++;
      }
    }
    if (separators + 1 >= MAX_QUERY_PARAMETERS) {
      throw new BadRequestTarget("a query of " + (separators + 1) + " parameters: the API server ignores a query of "
          + MAX_QUERY_PARAMETERS + " or more entirely, so it cannot be judged as the API server would read it");
    }
  }

  private static boolean visibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The target for an error message: control and non-ASCII characters shown as escapes, length capped. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        b.append(String.format("\\x%02X", (int) c & 0xff));
      } else if (c == '"') {
        b.append("\\\"");
      } else {
        b.append(c);
      }
    }
    return b.append(s.length() > 200 ? "…\"" : "\"").toString();
  }

  private static final boolean[] PCHAR = new boolean[128];

  static {
    String allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
    for (char c : allowed.toCharArray()) {
      PCHAR[c] = true;
    }
  }

  /** Re-encodes a canonical decoded path for the wire: every character outside RFC 3986 pchar (and "/") escaped. */
  static String encodePath(String decoded) {
    int i = 0;
    while (i < decoded.length()) {
      char c = decoded.charAt(i);
      if (c >= 128 || c != '/' && !PCHAR[c]) {
        break;
      }
      i++;
    }
    if (i == decoded.length()) {
      return decoded;
    }
    StringBuilder out = new StringBuilder(decoded.length() + 16).append(decoded, 0, i);
    byte[] rest = decoded.substring(i).getBytes(StandardCharsets.UTF_8);
    for (byte b : rest) {
      int c = b & 0xff;
      if (c < 128 && (c == '/' || PCHAR[c])) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
