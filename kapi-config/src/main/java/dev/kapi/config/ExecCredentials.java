package dev.kapi.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from an exec plugin: run on first use, cached until shortly before {@code expirationTimestamp}
 * (a quarter of the lifetime, at most 10 s early, so a request never leaves with a credential about to lapse),
 * re-run after a 401 that rejected the cached credential. One run at a time; other callers wait for its result.
 *
 * <p>A plugin that returns a client certificate is served through {@link #keyMaterial()}, which the TLS layer asks
 * at each handshake; {@link #authorization()} is then empty.
 */
final class ExecCredentials implements Credentials {

  private static final Logger LOG = LoggerFactory.getLogger(ExecCredentials.class);
  private static final Duration MAX_EARLY = Duration.ofSeconds(10);

  private record Cached(ExecCredential credential, Instant obtained) {
    Instant refreshAt() {
      Instant exp = credential.expiry().orElse(null);
      if (exp == null) {
        return Instant.MAX;
      }
      Duration lifetime = Duration.between(obtained, exp);
      Duration early = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(4);
      return exp.minus(early.compareTo(MAX_EARLY) > 0 ? MAX_EARLY : early);
    }
  }

  private final ExecPlugin plugin;
  private final Clock clock;
  private volatile Cached cached;

  ExecCredentials(ExecPlugin plugin, Clock clock) {
    this.plugin = plugin;
    this.clock = clock;
  }

  @Override
  public Optional<String> authorization() {
    return Optional.ofNullable(current().credential().header());
  }

  /** The plugin's client certificate, or null when it returned a token. Runs the plugin if needed. */
  ClientCertificate.KeyMaterial keyMaterial() {
    return current().credential().certificate().orElse(null);
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    Cached before;
    Cached after;
    synchronized (this) {
      before = cached;
      boolean sameAsRejected = before != null && Objects.equals(before.credential().header(), rejected);
      if (before == null || sameAsRejected) {
        try {
          cached = new Cached(plugin.run(), clock.instant());
        } catch (ConfigException e) {
          LOG.warn("after a 401, re-running the exec credential plugin failed: {}", e.getMessage());
          return false;
        }
      }
      after = cached;
    }
    if (after.credential().header() != null) {
      return !after.credential().header().equals(rejected);
    }
    // a client certificate: different material means a new connection will present something else
    return before == null || before.credential().certificate().map(m -> m != after.credential().certificate().orElse(null))
        .orElse(true);
  }

  @Override
  public Optional<Instant> expiry() {
    Cached c = cached;
    return c == null ? Optional.empty() : c.credential().expiry();
  }

  private Cached current() {
    Cached c = cached;
    if (c != null && clock.instant().isBefore(c.refreshAt())) {
      return c;
    }
    return refresh(c);
  }

  private synchronized Cached refresh(Cached seen) {
    Cached c = cached;
    if (c != seen && c != null && clock.instant().isBefore(c.refreshAt())) {
      return c; // another caller refreshed while we waited
    }
    LOG.debug("running exec credential plugin {}", plugin.config().command());
    Cached fresh = new Cached(plugin.run(), clock.instant());
    cached = fresh;
    return fresh;
  }

  @Override
  public String describe() {
    return "exec plugin " + plugin.config().command() + " (" + plugin.config().apiVersion() + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
