package dev.kapi.cli;

import java.nio.charset.StandardCharsets;

/**
 * The URL {@code get --raw} requests, from the path as typed. kubectl takes {@code ?labelSelector=app in (a,b)}
 * as it is and encodes it on the way out; so does this: a space, a non-ASCII character or one a URL cannot carry
 * ({@code "<>\^`{|}}) is percent-encoded, and everything else, the user's own {@code %XX} escapes included, is
 * sent as typed. Control characters and {@code #} are refused: kubectl would send the first to the server raw and
 * silently drop everything after the second.
 */
final class RawTarget {

  private static final String UNSAFE = "\"<>\\^`{|}";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RawTarget() {
  }

  static String of(String typed) {
    if (!typed.startsWith("/")) {
      throw new ExitCodeException(1, "--raw must be an absolute path starting with '/': " + typed);
    }
    StringBuilder b = new StringBuilder(typed.length() + 16);
    for (int i = 0; i < typed.length(); ) {
      int cp = typed.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x20 || cp == 0x7f) {
        throw new ExitCodeException(1, "--raw contains a control character (U+" + String.format("%04X", cp)
            + ") at position " + (i - 1));
      }
      if (cp == '#') {
        throw new ExitCodeException(1, "--raw contains '#', which would end the URL there; write it as %23: " + typed);
      }
      if (cp == ' ' || cp > 0x7e || UNSAFE.indexOf(cp) >= 0) {
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
      } else {
        b.append((char) cp);
      }
    }
    return b.toString();
  }
}
