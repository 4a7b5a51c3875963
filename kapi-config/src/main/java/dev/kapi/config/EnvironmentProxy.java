package dev.kapi.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The egress proxy the environment names for the API server when the kubeconfig sets no {@code proxy-url}, as Go's
 * {@code http.ProxyFromEnvironment} (and so kubectl and client-go, in a Pod too) chooses it: {@code HTTPS_PROXY} for
 * an https server, {@code HTTP_PROXY} for http (upper case first, then lower), none for {@code localhost} and
 * loopback addresses, and none where {@code NO_PROXY} matches: {@code *}, a host and its subdomains
 * ({@code example.com}), subdomains only ({@code .example.com}, {@code *.example.com}), an IP address, a CIDR range,
 * each optionally with a port.
 */
final class EnvironmentProxy {

  /** Dotted IPv4 or anything with a colon (IPv6): the JDK parses either without a DNS lookup. */
  private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-f:.%]*:[0-9a-f:.%]*");

  private EnvironmentProxy() {
  }

  static Optional<URI> forServer(Map<String, String> env, URI server) {
    boolean https = "https".equals(server.getScheme());
    String value = https ? first(env, "HTTPS_PROXY", "https_proxy") : first(env, "HTTP_PROXY", "http_proxy");
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String host = bare(server.getHost()).toLowerCase(Locale.ROOT);
    int port = server.getPort() != -1 ? server.getPort() : https ? 443 : 80;
    if (host.equals("localhost") || isLoopback(host) || excluded(first(env, "NO_PROXY", "no_proxy"), host, port)) {
      return Optional.empty();
    }
    String variable = https ? "HTTPS_PROXY" : "HTTP_PROXY";
    String withScheme = value.strip().contains("://") ? value.strip() : "http://" + value.strip(); // Go's default
    return Optional.of(ProxyUrl.parse(withScheme, "environment variable " + variable, null));
  }

  private static String first(Map<String, String> env, String upper, String lower) {
    String v = env.get(upper);
    return v != null && !v.isEmpty() ? v : env.get(lower);
  }

  private static boolean excluded(String noProxy, String host, int port) {
    if (noProxy == null || noProxy.isBlank()) {
      return false;
    }
    for (String raw : noProxy.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return true;
      }
      if (entry.contains("/")) {
        if (inCidr(host, entry)) {
          return true;
        }
        continue;
      }
      String entryHost = entry;
      int entryPort = -1;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(']') < colon && entry.chars().filter(c -> c == ':').count() == 1
          || entry.startsWith("[") && colon > entry.indexOf(']')) {
        try {
          entryPort = Integer.parseInt(entry.substring(colon + 1));
          entryHost = entry.substring(0, colon);
        } catch (NumberFormatException e) {
          continue; // Go skips an entry it cannot read
        }
      }
      entryHost = bare(entryHost);
      if (entryPort != -1 && entryPort != port) {
        continue;
      }
      if (IP_LITERAL.matcher(entryHost).matches() && IP_LITERAL.matcher(host).matches()) {
        if (sameAddress(entryHost, host)) {
          return true;
        }
        continue;
      }
      if (entryHost.startsWith("*.")) {
        entryHost = entryHost.substring(1);
      }
      if (entryHost.startsWith(".") ? host.endsWith(entryHost) : host.equals(entryHost) || host.endsWith("." + entryHost)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLoopback(String host) {
    return IP_LITERAL.matcher(host).matches() && address(host).map(InetAddress::isLoopbackAddress).orElse(false);
  }

  private static boolean sameAddress(String a, String b) {
    Optional<InetAddress> x = address(a);
    return x.isPresent() && x.equals(address(b));
  }

  private static boolean inCidr(String host, String cidr) {
    int slash = cidr.indexOf('/');
    Optional<InetAddress> net = address(cidr.substring(0, slash));
    Optional<InetAddress> ip = IP_LITERAL.matcher(host).matches() ? address(host) : Optional.empty();
    if (net.isEmpty() || ip.isEmpty() || net.get().getAddress().length != ip.get().getAddress().length) {
      return false;
    }
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    int width = net.get().getAddress().length * 8;
    if (bits < 0 || bits > width) {
      return false;
    }
    BigInteger mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE).shiftRight(bits).not();
    return new BigInteger(1, net.get().getAddress()).and(mask).equals(new BigInteger(1, ip.get().getAddress()).and(mask));
  }

  /** An IP literal as an address, never a DNS lookup (callers check the shape first). */
  private static Optional<InetAddress> address(String literal) {
    if (!IP_LITERAL.matcher(literal).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
