package dev.kapi.config;

/**
 * Whether a token can travel in an {@code Authorization} header at all. A line break or other control character
 * (a token file written with {@code echo -e}, two tokens concatenated) would otherwise fail deep inside each HTTP
 * stack on every request, far from the file that caused it.
 */
final class BearerTokens {

  private BearerTokens() {
  }

  /** Why the token cannot be sent, or null when it can: field values allow tab, visible characters and Latin-1. */
  static String unsendable(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return String.format("holds a control character (U+%04X) at position %d, which no HTTP header can carry", (int) c, i);
      }
      if (c > 0xff) {
        return String.format("holds a character outside Latin-1 (U+%04X) at position %d, which no HTTP header can carry",
            (int) c, i);
      }
    }
    return null;
  }
}
