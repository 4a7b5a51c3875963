package dev.kapi.config;

import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token's expiry, read from its claims when first asked for (readiness checks, metrics) rather than when
 * the token is read: a request needs only the header, and reading the claims loads a JSON parser, which would
 * otherwise sit on the proxy's path to its first response.
 */
final class TokenExpiry {

  private final String token;
  private volatile Optional<Instant> expiry; // null until asked for

  TokenExpiry(String token) {
    this.token = token;
  }

  Optional<Instant> get() {
    Optional<Instant> e = expiry;
    if (e == null) {
      e = JwtClaims.expiry(token); // the same answer on any thread: a race only reads the claims twice
      expiry = e;
    }
    return e;
  }
}
