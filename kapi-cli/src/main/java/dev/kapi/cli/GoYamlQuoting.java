package dev.kapi.cli;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Quotes a string value exactly when kubectl's YAML encoder (go-yaml v2, through sigs.k8s.io/yaml) would: when read
 * back unquoted it would not be a string. Jackson's own checker knows YAML's keywords but not Go's numbers, so
 * {@code 0o17}, {@code 0X1F}, {@code 1_000} or {@code 8:30} came out plain and {@code kubectl apply} of the output
 * failed ("cannot unmarshal number into ... of type string").
 */
final class GoYamlQuoting extends StringQuotingChecker.Default {

  private static final long serialVersionUID = 1L;

  /** go-yaml's parseTimestamp tries these layouts only; matching more is harmless (a quoted string stays a string). */
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}([Tt ].*)?");
  /** go-yaml's yamlStyleFloat, tried on the value with its underscores removed. */
  private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  /** What Go's strconv.ParseFloat accepts from a value that starts with a dot. */
  private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
  /** go-yaml's infinities and NaNs (from its table of plain scalars; Jackson's keywords do not include them). */
  private static final Pattern INF_NAN = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  /** go-yaml's isBase60Float: YAML 1.1 sexagesimal numbers, which other readers still decode (8:30 is 510). */
  private static final Pattern BASE60 = Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");

  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger INT64_MIN_MAGNITUDE = INT64_MAX.add(BigInteger.ONE);
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  @Override
  public boolean needToQuoteValue(String value) {
    return super.needToQuoteValue(value) || readsAsNumber(value) || TIMESTAMP.matcher(value).matches();
  }

  /** go-yaml's resolve() for a plain scalar starting with a digit, a sign or a dot, plus isBase60Float. */
  static boolean readsAsNumber(String value) {
    if (value.isEmpty()) {
      return false;
    }
    if (INF_NAN.matcher(value).matches()) {
      return true;
    }
    char first = value.charAt(0);
    if (first == '.') {
      return DOT_FLOAT.matcher(value).matches();
    }
    if (first != '+' && first != '-' && (first < '0' || first > '9')) {
      return false;
    }
    String plain = value.replace("_", "");
    return goParsesAsInteger(plain) || YAML_FLOAT.matcher(plain).matches() || BASE60.matcher(value).matches();
  }

  /**
   * Go's {@code strconv.ParseInt(s, 0, 64)}, then {@code ParseUint}: a sign, then {@code 0x}, {@code 0o}, {@code 0b}
   * (either case) or a leading {@code 0} for octal, and a value within int64 (or uint64 unsigned).
   */
  private static boolean goParsesAsInteger(String s) {
    boolean signed = s.startsWith("+") || s.startsWith("-");
    String digits = signed ? s.substring(1) : s;
    int radix = 10;
    if (digits.length() >= 2 && digits.charAt(0) == '0') {
      char p = Character.toLowerCase(digits.charAt(1));
      if (digits.length() >= 3 && (p == 'x' || p == 'o' || p == 'b')) {
        radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        digits = digits.substring(2);
      } else {
        radix = 8;
        digits = digits.substring(1);
      }
    }
    if (digits.isEmpty()) {
      return false;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i); // ASCII only, as Go: Character.digit would take other scripts' digits too
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
      if (d >= radix) {
        return false;
      }
    }
    BigInteger v = new BigInteger(digits, radix);
    BigInteger max = !signed ? UINT64_MAX : s.charAt(0) == '-' ? INT64_MIN_MAGNITUDE : INT64_MAX;
    return v.compareTo(max) <= 0;
  }
}
