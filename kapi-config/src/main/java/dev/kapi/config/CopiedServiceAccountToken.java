package dev.kapi.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code --token="$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"}, as the seed's ambassador script starts
 * kubectl proxy: a copy of the Pod's bound token, which the kubelet replaces within the hour and the API server
 * refuses some time after. When {@code --token} is exactly what the service account's token file holds, the file
 * becomes the credential instead, re-read as it rotates: the same identity, without the outage.
 */
final class CopiedServiceAccountToken {

  private CopiedServiceAccountToken() {
  }

  /** {@code tokenFile}, when {@code --token} (and no {@code --token-file}) was given its current content. */
  static Optional<Path> fileHolding(ConfigFlags flags, Path tokenFile) {
    if (flags.token().isEmpty() || flags.tokenFile().isPresent() || !Files.isRegularFile(tokenFile)) {
      return Optional.empty();
    }
    try {
      byte[] held = Files.readString(tokenFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
      byte[] given = flags.token().get().strip().getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(held, given) ? Optional.of(tokenFile) : Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty(); // unreadable here: the flag stays the static token it was given as
    }
  }
}
