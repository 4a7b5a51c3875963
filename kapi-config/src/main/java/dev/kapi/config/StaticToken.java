package dev.kapi.config;

import java.time.Instant;
import java.util.Optional;

/** A bearer token that never changes; a 401 cannot be cured by re-reading it. */
public final class StaticToken implements Credentials {

  private final String header;
  private final TokenExpiry expiry;

  public StaticToken(String token) {
    String t = token == null ? "" : token.strip();
    if (t.isEmpty()) {
      throw new ConfigException("token", "token", "is empty");
    }
    String unsendable = BearerTokens.unsendable(t);
    if (unsendable != null) {
      throw new ConfigException("token", "token", unsendable);
    }
    this.header = "Bearer " + t;
    this.expiry = new TokenExpiry(t);
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
  public Optional<Instant> expiry() {
    return expiry.get();
  }

  @Override
  public String describe() {
    return "static token (redacted)";
  }

  @Override
  public String toString() {
    return describe();
  }
}
