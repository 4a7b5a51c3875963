package dev.kapi.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from an exec plugin: run on first use, cached until shortly before {@code expirationTimestamp}
 * (a quarter of the lifetime, at most 10 s early, so a request never leaves with a credential about to lapse),
 * re-run after a 401 that rejected the cached credential.
 *
 * <p>The plugin runs on a thread of its own, one run at a time. Nobody waits for a refresh while the cached
 * credential is still valid: it is handed out meanwhile, so a slow plugin never stalls the requests of the minute
 * it runs. Only with no valid credential does {@link #authorization()} wait for the run;
 * {@link #authorizationWithoutWaiting()}, for a caller that must not (the proxy's event loop), throws instead,
 * saying the plugin is still running or how its last run failed. A run that failed is not repeated within a
 * second.
 *
 * <p>A plugin that returns a client certificate is served through {@link #keyMaterialWithoutWaiting()}, which the
 * TLS layer asks at each handshake; {@link #authorization()} is then empty.
 */
final class ExecCredentials implements Credentials {

  private static final Logger LOG = LoggerFactory.getLogger(ExecCredentials.class);
  private static final Duration MAX_EARLY = Duration.ofSeconds(10);
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

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

  private record Failure(CredentialsUnavailableException error, Instant at) {
  }

  private final ExecPlugin plugin;
  private final Clock clock;
  private volatile Cached cached;
  private volatile Cached refused; // the credential a 401 rejected: never handed out again
  private volatile Failure lastFailure;
  private CompletableFuture<Cached> running; // guarded by this
  private Instant runningSince; // guarded by this

  ExecCredentials(ExecPlugin plugin, Clock clock) {
    this.plugin = plugin;
    this.clock = clock;
  }

  @Override
  public Optional<String> authorization() {
    return Optional.ofNullable(current().credential().header());
  }

  @Override
  public Optional<String> authorizationWithoutWaiting() {
    Cached c = cached;
    if (usable(c)) {
      refreshAheadIfDue(c);
      return Optional.ofNullable(c.credential().header());
    }
    Failure f = lastFailure;
    if (mayRunAgain()) {
      CompletableFuture<Cached> run = run();
      if (run.isDone() && !run.isCompletedExceptionally()) {
        return Optional.ofNullable(run.join().credential().header());
      }
      f = lastFailure;
    }
    if (f != null) {
      CredentialsUnavailableException e = f.error();
      throw new CredentialsUnavailableException(e.source(), e.field(), e.problem() + " (the last run, "
          + Duration.between(f.at(), clock.instant()).toSeconds() + "s ago; it runs again at the first request a second after it)", e);
    }
    throw new CredentialsUnavailableException(describe(), "has not returned a credential yet (running for "
        + runningFor().toSeconds() + "s)");
  }

  /**
   * The plugin's client certificate if a valid one is at hand (null otherwise, with a run started): asked inside a
   * TLS handshake, which must not wait for a plugin. A request asks {@link #authorization()} (or its non-waiting
   * form) before its connection is made, so the certificate is there by then.
   */
  ClientCertificate.KeyMaterial keyMaterialWithoutWaiting() {
    Cached c = cached;
    if (usable(c)) {
      refreshAheadIfDue(c);
      return c.credential().certificate().orElse(null);
    }
    run();
    return null;
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    Cached before = cached;
    if (before == null || Objects.equals(before.credential().header(), rejected)) {
      refused = before;
      try {
        await(run());
      } catch (ConfigException e) {
        LOG.warn("after a 401, re-running the exec credential plugin failed: {}", e.getMessage());
        return false;
      }
    }
    return changed(before, cached, rejected);
  }

  @Override
  public boolean refreshAfterUnauthorizedWithoutWaiting(String rejected) {
    Cached before = cached;
    if (before == null || Objects.equals(before.credential().header(), rejected)) {
      refused = before; // from now on requests wait (without waiting) for the run that follows
      run();
      return false;
    }
    return changed(before, before, rejected); // a newer credential is already here
  }

  private static boolean changed(Cached before, Cached after, String rejected) {
    if (after == null) {
      return false;
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
    if (usable(c)) {
      refreshAheadIfDue(c);
      return c;
    }
    return await(run());
  }

  /** Valid: not refused by a 401 and not past its expiry. */
  private boolean usable(Cached c) {
    if (c == null || c == refused) {
      return false;
    }
    Optional<Instant> exp = c.credential().expiry();
    return exp.isEmpty() || clock.instant().isBefore(exp.get());
  }

  private void refreshAheadIfDue(Cached c) {
    if (!clock.instant().isBefore(c.refreshAt()) && mayRunAgain()) {
      run(); // the cached credential serves meanwhile
    }
  }

  /** No failed run within the last second: a failing plugin is not run for every request. */
  private boolean mayRunAgain() {
    Failure f = lastFailure;
    return f == null || !clock.instant().isBefore(f.at().plus(RETRY_AFTER_FAILURE));
  }

  /** The run in progress, or a new one on a thread of its own. */
  private synchronized CompletableFuture<Cached> run() {
    if (running != null) {
      return running;
    }
    CompletableFuture<Cached> done = new CompletableFuture<>();
    running = done;
    runningSince = clock.instant();
    Thread t = new Thread(() -> {
      LOG.debug("running exec credential plugin {}", plugin.config().command());
      try {
        Cached fresh = new Cached(plugin.run(), clock.instant());
        cached = fresh;
        lastFailure = null;
        finished();
        done.complete(fresh);
      } catch (RuntimeException e) {
        CredentialsUnavailableException why = e instanceof CredentialsUnavailableException u ? u
            : new CredentialsUnavailableException(describe(), e.getMessage(), e);
        lastFailure = new Failure(why, clock.instant());
        finished();
        done.completeExceptionally(why);
      }
    }, "kapi-exec-credential");
    t.setDaemon(true); // a hung plugin must not keep the process alive
    t.start();
    return done;
  }

  private synchronized void finished() {
    running = null;
    runningSince = null;
  }

  private synchronized Duration runningFor() {
    return runningSince == null ? Duration.ZERO : Duration.between(runningSince, clock.instant());
  }

  private static Cached await(CompletableFuture<Cached> run) {
    try {
      return run.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ConfigException c) {
        throw c;
      }
      throw e;
    }
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
