package dev.kapi.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * A kubeconfig {@code proxy-url}: http, https or socks5 like client-go's {@code parseProxyURL}. The value may
 * carry proxy credentials, so errors never echo it.
 */
final class ProxyUrl {

  private static final Set<String> SCHEMES = Set.of("http", "https", "socks5");

  private ProxyUrl() {
  }

  static URI parse(String value, String source, String field) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(source, field, "is not a valid URL");
    }
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
      throw new ConfigException(source, field, "has unsupported scheme "
          + (uri.getScheme() == null ? "(none)" : "\"" + uri.getScheme() + "\"") + ", must be http, https, or socks5");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(source, field, "has no host");
    }
    return uri;
  }
}
