package dev.kapi.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token read from a file that changes: the projected service-account token the kubelet rotates by
 * swapping {@code ..data}, or a kubeconfig {@code tokenFile}.
 *
 * <p>Every use costs one {@code stat} of the file (through its symlinks); the file is re-read only when its
 * identity changed, so the first request after a rotation already carries the new token. A 401 forces a
 * re-read. A file that is missing, empty or unreadable makes {@link #authorization()} throw
 * {@link CredentialsUnavailableException} naming the file and the problem, and recovers by itself once the
 * file is back.
 */
public final class TokenFile implements Credentials {

  private record Loaded(FileIdentity identity, String header, Optional<Instant> expiry) {
  }

  private final Path path;
  private volatile Loaded loaded;

  public TokenFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  @Override
  public Optional<String> authorization() {
    return Optional.of(current(false).header());
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    Loaded now = current(true);
    return !now.header().equals(rejected);
  }

  @Override
  public Optional<Instant> expiry() {
    return current(false).expiry();
  }

  private Loaded current(boolean force) {
    FileIdentity id;
    try {
      id = FileIdentity.of(path);
    } catch (NoSuchFileException e) {
      throw new CredentialsUnavailableException(path.toString(), "does not exist");
    } catch (IOException e) {
      throw new CredentialsUnavailableException(path.toString(), "cannot be read: " + e.getMessage());
    }
    Loaded l = loaded;
    if (!force && l != null && l.identity().equals(id)) {
      return l;
    }
    return reload(id, force);
  }

  private synchronized Loaded reload(FileIdentity id, boolean force) {
    Loaded l = loaded;
    if (!force && l != null && l.identity().equals(id)) {
      return l; // another thread re-read this very version while we waited
    }
    String token;
    try {
      token = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CredentialsUnavailableException(path.toString(), "cannot be read: " + e.getMessage());
    }
    if (token.isEmpty()) {
      throw new CredentialsUnavailableException(path.toString(), "is empty");
    }
    Loaded fresh = new Loaded(id, "Bearer " + token, JwtClaims.expiry(token));
    loaded = fresh;
    return fresh;
  }

  @Override
  public String describe() {
    return "token file " + path;
  }

  @Override
  public String toString() {
    return describe();
  }
}
