package dev.kapi.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.config.internal.JsonTrees;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What an exec plugin printed: an {@code ExecCredential} with a bearer token or a client certificate and key, and
 * maybe an expiry. Checked as client-go checks it; messages name the field, never its value.
 */
record ExecCredential(Optional<String> token, Optional<ClientCertificate.KeyMaterial> certificate,
    Optional<Instant> expiry) {

  private static final JsonFactory JSON = new JsonFactory(); // a tree builder, not an ObjectMapper: see JsonTrees

  /** The header value this credential adds, or null when it is a client certificate. */
  String header() {
    return token.map(t -> "Bearer " + t).orElse(null);
  }

  @Override
  public String toString() {
    return "ExecCredential{" + (token.isPresent() ? "token (redacted)" : "client certificate") + expiry.map(e -> ", expires " + e).orElse("") + "}";
  }

  static ExecCredential parse(byte[] output, String apiVersion, String source, String field) {
    if (new String(output, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw unusable(source, field, "printed nothing (an ExecCredential was expected on standard output)");
    }
    JsonNode root;
    try {
      try (JsonParser p = JSON.createParser(output)) {
        root = JsonTrees.read(p);
      }
    } catch (IOException e) {
      throw unusable(source, field, "printed something that is not JSON (an ExecCredential was expected)");
    }
    if (root == null || !root.isObject()) {
      throw unusable(source, field, "printed no ExecCredential object");
    }
    String returned = root.path("apiVersion").asText("");
    if (!apiVersion.equals(returned)) {
      throw unusable(source, field, "is configured to use API version " + apiVersion + ", plugin returned version "
          + (returned.isEmpty() ? "(none)" : returned));
    }
    String kind = root.path("kind").asText("");
    if (!"ExecCredential".equals(kind)) {
      throw unusable(source, field, "returned kind " + (kind.isEmpty() ? "(none)" : kind) + ", not ExecCredential");
    }
    JsonNode status = root.get("status");
    if (status == null || !status.isObject()) {
      throw unusable(source, field, "didn't return a status field");
    }
    String token = text(status, "token", source, field);
    String cert = text(status, "clientCertificateData", source, field);
    String key = text(status, "clientKeyData", source, field);
    if (token.isEmpty() && cert.isEmpty() && key.isEmpty()) {
      throw unusable(source, field, "didn't return a token or cert/key pair");
    }
    if (cert.isEmpty() != key.isEmpty()) {
      throw unusable(source, field, "returned only certificate or key, not both");
    }
    String unsendable = token.isEmpty() ? null : BearerTokens.unsendable(token);
    if (unsendable != null) {
      throw unusable(source, field, "returned a status.token that " + unsendable);
    }
    Optional<Instant> expiry = Optional.empty();
    String exp = text(status, "expirationTimestamp", source, field);
    if (!exp.isEmpty()) {
      try {
        expiry = Optional.of(OffsetDateTime.parse(exp).toInstant());
      } catch (DateTimeParseException e) {
        throw unusable(source, field, "returned status.expirationTimestamp that is not an RFC 3339 time: " + exp);
      }
    }
    Optional<ClientCertificate.KeyMaterial> material = Optional.empty();
    if (!cert.isEmpty()) {
      try {
        material = Optional.of(ClientCertificate.material(cert, key, source,
            field + " output status.clientCertificateData", field + " output status.clientKeyData"));
      } catch (ConfigException e) {
        throw new CredentialsUnavailableException(source, e.field(), e.problem(), e);
      }
    }
    return new ExecCredential(token.isEmpty() ? Optional.empty() : Optional.of(token.strip()), material, expiry);
  }

  private static String text(JsonNode status, String name, String source, String field) {
    JsonNode v = status.get(name);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw unusable(source, field, "returned status." + name + " that is not a string");
    }
    return v.asText();
  }

  private static CredentialsUnavailableException unusable(String source, String field, String problem) {
    return new CredentialsUnavailableException(source, field, "plugin " + problem, null);
  }
}
