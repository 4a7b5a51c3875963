package dev.kapi.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The API server URL from kubeconfig {@code server} or {@code --server}, read as client-go's
 * {@code rest.DefaultServerURL} does: a value without a scheme gets {@code https://} when any TLS setting is
 * present and {@code http://} otherwise; a path is kept as a prefix. Query, fragment and user info are refused:
 * they would be silently dropped or, worse, sent.
 */
final class ServerUrl {

  private ServerUrl() {
  }

  static URI parse(String value, boolean defaultTls, String source, String field) {
    String v = value.strip();
    URI uri = tryParse(v);
    if (uri == null || uri.getScheme() == null || uri.getRawAuthority() == null) {
      uri = tryParse((defaultTls ? "https://" : "http://") + v);
    }
    if (uri == null || uri.getRawAuthority() == null) {
      throw new ConfigException(source, field, "is not a valid URL: " + shown(v));
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new ConfigException(source, field, "must be an http or https URL, not " + uri.getScheme() + "://...");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigException(source, field, "must not contain a user name or password: put credentials in a user entry");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(source, field, "has no valid host name: " + shown(v));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(source, field, "must not have a query or fragment: " + shown(v));
    }
    return uri;
  }

  /** The value for a message, with anything that looks like user info cut out. */
  private static String shown(String v) {
    return v.replaceAll("^([^/]*//)?[^/?#]*@", "$1(redacted)@");
  }

  private static URI tryParse(String v) {
    try {
      return new URI(v);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
