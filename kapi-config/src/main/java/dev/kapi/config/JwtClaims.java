package dev.kapi.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the unverified claims of a JWT bearer token, for its expiry only. Service-account tokens are JWTs;
 * any other token simply has no known expiry. Never used for trust decisions: the API server verifies.
 *
 * <p>A streaming parse of the one top-level field: building an ObjectMapper for it cost the proxy ~200 ms of
 * start-up, on the path to its first response.
 */
final class JwtClaims {

  private static final JsonFactory JSON = new JsonFactory();

  private JwtClaims() {
  }

  static Optional<Instant> expiry(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try (JsonParser p = JSON.createParser(Base64.getUrlDecoder().decode(parts[1]))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("exp".equals(field)) {
          return value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT
              ? Optional.of(Instant.ofEpochSecond(p.getValueAsLong())) : Optional.empty();
        }
        p.skipChildren();
      }
      return Optional.empty();
    } catch (Exception notAJwt) {
      return Optional.empty();
    }
  }
}
