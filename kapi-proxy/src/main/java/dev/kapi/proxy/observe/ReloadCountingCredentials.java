package dev.kapi.proxy.observe;

import dev.kapi.config.Credentials;
import dev.kapi.config.ForwardingCredentials;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Credentials that count how often the credential they hand out changed: each change is a token reload (the
 * kubelet rotated the projected token, a 401 made us re-read it). {@link Credentials} has no reload event, so
 * we compare what the delegate returns with what it returned last time; the identity check makes that free
 * while nothing changes.
 */
public final class ReloadCountingCredentials extends ForwardingCredentials {

  private final AtomicReference<String> last = new AtomicReference<>();
  private final AtomicLong reloads = new AtomicLong();

  public ReloadCountingCredentials(Credentials delegate) {
    super(delegate);
  }

  /** Wraps {@code credentials} unless it already counts. */
  public static ReloadCountingCredentials of(Credentials credentials) {
    return credentials instanceof ReloadCountingCredentials r ? r : new ReloadCountingCredentials(credentials);
  }

  @Override
  public Optional<String> authorization() {
    Optional<String> header = super.authorization();
    header.ifPresent(this::seen);
    return header;
  }

  @Override
  public Optional<String> authorizationWithoutWaiting() {
    Optional<String> header = super.authorizationWithoutWaiting();
    header.ifPresent(this::seen);
    return header;
  }

  private void seen(String header) {
    String before = last.get();
    if (before == header) {
      return;
    }
    if (before == null) {
      last.compareAndSet(null, header); // the first load is not a reload
    } else if (!before.equals(header) && last.compareAndSet(before, header)) {
      reloads.incrementAndGet();
    }
  }

  /** How many times the credential changed since start. */
  public long reloads() {
    return reloads.get();
  }
}
