package dev.kapi.proxy.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw query string read exactly as the API server's Go {@code url.ParseQuery} reads it, so the policy sees the
 * same {@code watch} and {@code fieldSelector} the server will act on. The differences from Netty's
 * {@code QueryStringDecoder} matter for security: Go splits on {@code &} only and drops a whole pair that
 * contains {@code ;} (Netty splits on {@code ;} too), drops a pair with a malformed escape instead of failing,
 * and treats {@code #} as an ordinary character in a request target. Values are decoded as UTF-8 with
 * replacement; callers that use a value as an object name must refuse U+FFFD (see {@link RequestInfoParser}).
 */
final class GoQuery {

  private GoQuery() {
  }

  /** Every value of every key, in order; the API server reads the first value of each parameter. */
  static Map<String, List<String>> parse(String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return values;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty() || pair.indexOf(';') >= 0) {
        continue; // Go >= 1.17: "invalid semicolon separator in query", the pair is skipped
      }
      int eq = pair.indexOf('=');
      String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
      String value = unescape(eq < 0 ? "" : pair.substring(eq + 1));
      if (key == null || value == null) {
        continue; // Go skips a pair whose key or value has a bad escape
      }
      values.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
    }
    return values;
  }

  /** Go's {@code QueryUnescape}: {@code +} is a space, {@code %} needs two hex digits; null when malformed. */
  static String unescape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      byte b = in[i];
      if (b == '%') {
        if (i + 2 >= in.length) {
          return null;
        }
        int hi = Character.digit(in[i + 1], 16);
        int lo = Character.digit(in[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else if (b == '+') {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
