package dev.kapi.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic credentials (kubeconfig {@code username}/{@code password}). Kubernetes itself dropped static
 * password files in 1.19, but authenticating proxies and some distributions still accept them.
 */
public final class BasicAuth implements Credentials {

  private final String header;
  private final String username;

  public BasicAuth(String username, String password) {
    this.username = username == null ? "" : username;
    String p = password == null ? "" : password;
    this.header = "Basic " + Base64.getEncoder().encodeToString((this.username + ":" + p).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Optional<String> authorization() {
    return Optional.of(header);
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    return false;
  }

  @Override
  public String describe() {
    return "basic auth as " + username + " (password redacted)";
  }

  @Override
  public String toString() {
    return describe();
  }
}
