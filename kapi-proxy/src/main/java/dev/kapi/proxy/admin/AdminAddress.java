package dev.kapi.proxy.admin;

import java.net.InetSocketAddress;
import java.util.Optional;

/** Parses {@code --admin-address}: {@code host:port}, {@code [v6]:port}, {@code :port} (all interfaces), or {@code off}. */
public final class AdminAddress {

  public static final String DEFAULT = "127.0.0.1:9091";

  private AdminAddress() {
  }

  /** Empty for {@code off}; throws {@link IllegalArgumentException} with a one-line reason for anything unusable. */
  public static Optional<InetSocketAddress> parse(String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--admin-address must be HOST:PORT or off, got \"" + value + "\"");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("--admin-address: put an IPv6 address in brackets, e.g. [::1]:9091");
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--admin-address: port must be a number, got \"" + v.substring(colon + 1) + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--admin-address: port must be 0-65535, got " + port);
    }
    return Optional.of(host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
  }
}
