package dev.kapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the unverified claims of a JWT bearer token, for its expiry only. Service-account tokens are JWTs;
 * any other token simply has no known expiry. Never used for trust decisions: the API server verifies.
 */
final class JwtClaims {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JwtClaims() {
  }

  static Optional<Instant> expiry(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims.get("exp");
      return exp != null && exp.canConvertToLong() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    } catch (Exception notAJwt) {
      return Optional.empty();
    }
  }
}
