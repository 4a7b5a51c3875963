package dev.kapi.client;

/**
 * Names that go into a URL path as one segment, checked as client-go's {@code IsValidPathSegmentName}: the API
 * server's names can never be {@code .} or {@code ..} nor contain {@code /} or {@code %}, so such a value is a
 * mistake (or an attempt to reach another path) and is refused before anything is sent.
 */
final class PathSegments {

  private PathSegments() {
  }

  static String check(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException(what + " may not be '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '%' || c == '?' || c == '#' || c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException(what + " may not contain '" + (c <= ' ' ? "\\u" + (int) c : String.valueOf(c))
            + "': " + value);
      }
    }
    return value;
  }
}
