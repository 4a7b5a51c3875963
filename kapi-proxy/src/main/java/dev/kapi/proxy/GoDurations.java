package dev.kapi.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** Go's {@code time.ParseDuration} ("300ms", "-1.5h", "2h45m", "0"), which kubectl flags and the API server use. */
public final class GoDurations {

  private GoDurations() {
  }

  public static Optional<Duration> parse(String s) {
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    int i = 0;
    boolean negative = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i++;
    }
    if (s.substring(i).equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    if (i == s.length()) {
      return Optional.empty();
    }
    BigDecimal nanos = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        return Optional.empty();
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unit = switch (s.substring(unitStart, i)) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> -1L;
      };
      if (unit < 0) {
        return Optional.empty();
      }
      nanos = nanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number).multiply(BigDecimal.valueOf(unit)));
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return Optional.of(negative ? d.negated() : d);
  }

  /** Formats like Go's {@code Duration.String} for whole seconds and above ("0s", "30s", "1m30s", "1h0m0s"). */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder b = new StringBuilder(d.isNegative() ? "-" : "");
    Duration a = d.abs();
    long h = a.toHours();
    long m = a.toMinutesPart();
    long s = a.toSecondsPart();
    int ms = a.toMillisPart();
    if (h > 0) {
      b.append(h).append('h').append(m).append('m');
    } else if (m > 0) {
      b.append(m).append('m');
    }
    if (ms == 0) {
      b.append(s).append('s');
    } else if (h == 0 && m == 0 && s == 0) {
      b.append(ms).append("ms");
    } else {
      b.append(s).append('.').append(String.format("%03d", ms).replaceAll("0+$", "")).append('s');
    }
    return b.toString();
  }
}
