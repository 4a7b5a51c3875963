package dev.kapi.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token read from a file that changes: the projected service-account token the kubelet rotates by
 * swapping {@code ..data}, or a kubeconfig {@code tokenFile}.
 *
 * <p>Every use costs one {@code stat} of the file (through its symlinks; measured in the module README); the file
 * is re-read only when its identity (inode, mtime, size) changed, so the first request after a rotation already
 * carries the new token. A 401 forces a re-read. Whitespace around the token is trimmed.
 *
 * <p>Until a token has been read, a missing, empty or unreadable file makes {@link #authorization()} throw
 * {@link CredentialsUnavailableException} naming the file and the problem. After that, the last good token is kept
 * while the file is briefly missing or empty (a writer that truncates then writes, a directory swap in progress),
 * as client-go keeps it; the file is checked again on the next use.
 */
public final class TokenFile implements Credentials {

  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

  private record Loaded(FileIdentity identity, String header, TokenExpiry expiry) {
  }

  private final Path path;
  private volatile Loaded loaded;
  private volatile String lastProblem;

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
    try {
      Loaded now = current(true);
      return !now.header().equals(rejected);
    } catch (CredentialsUnavailableException e) {
      return false; // nothing better to offer; the next authorization() reports the problem
    }
  }

  @Override
  public Optional<Instant> expiry() {
    return current(false).expiry().get();
  }

  private Loaded current(boolean force) {
    FileIdentity id;
    try {
      id = FileIdentity.of(path);
    } catch (NoSuchFileException e) {
      return keepOrThrow("does not exist");
    } catch (IOException e) {
      return keepOrThrow("cannot be read: " + e.getClass().getSimpleName());
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
    } catch (NoSuchFileException e) {
      return keepOrThrow("does not exist");
    } catch (IOException e) {
      return keepOrThrow("cannot be read: " + e.getClass().getSimpleName());
    }
    if (token.isEmpty()) {
      return keepOrThrow("is empty");
    }
    String unsendable = BearerTokens.unsendable(token);
    if (unsendable != null) {
      return keepOrThrow(unsendable);
    }
    Loaded fresh = new Loaded(id, "Bearer " + token, new TokenExpiry(token));
    loaded = fresh;
    if (lastProblem != null) {
      LOG.info("token file {} is readable again", path);
      lastProblem = null;
    }
    return fresh;
  }

  /** The last good token if there is one (identity not recorded, so the file is checked again next time). */
  private Loaded keepOrThrow(String problem) {
    Loaded l = loaded;
    if (l == null) {
      throw new CredentialsUnavailableException(path.toString(), problem);
    }
    if (!problem.equals(lastProblem)) {
      lastProblem = problem;
      LOG.warn("token file {} {}; keeping the previous token until it is back", path, problem);
    }
    return l;
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
