package dev.kapi.config;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * RFC 6125 server identity check against subjectAltName: DNS names (one left-most wildcard label) and IP
 * addresses. The Common Name is ignored, as Go and modern browsers ignore it.
 */
final class HostnameMatcher {

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private HostnameMatcher() {
  }

  /** Returns null when {@code cert} is valid for {@code host}, else why not. */
  static String mismatch(X509Certificate cert, String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return "the server certificate's subjectAltName cannot be parsed";
    }
    List<String> names = new ArrayList<>();
    boolean ip = isIpLiteral(h);
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        if (ip && type == SAN_IP && sameAddress(h, value)) {
          return null;
        }
        if (!ip && type == SAN_DNS && dnsMatches(value, h)) {
          return null;
        }
        if (type == SAN_IP || type == SAN_DNS) {
          names.add(value);
        }
      }
    }
    return "the server certificate is valid for " + (names.isEmpty() ? "no names" : String.join(", ", names))
        + ", not " + host;
  }

  static boolean isIpLiteral(String h) {
    return h.contains(":") || h.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean dnsMatches(String pattern, String host) {
    String p = IDN.toASCII(pattern).toLowerCase(Locale.ROOT);
    String h = IDN.toASCII(host).toLowerCase(Locale.ROOT);
    if (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (!p.startsWith("*.")) {
      return p.equals(h);
    }
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
  }
}
