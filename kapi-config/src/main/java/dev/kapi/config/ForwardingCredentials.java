package dev.kapi.config;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials that pass every call on to other credentials: the base for a wrapper that changes or watches one of
 * the calls and leaves the others, and the secret's description, as they are.
 */
public abstract class ForwardingCredentials implements Credentials {

  private final Credentials delegate;

  protected ForwardingCredentials(Credentials delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The credentials every call goes to. */
  public final Credentials delegate() {
    return delegate;
  }

  @Override
  public Optional<String> authorization() {
    return delegate.authorization();
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    return delegate.refreshAfterUnauthorized(rejected);
  }

  @Override
  public Optional<String> authorizationWithoutWaiting() {
    return delegate.authorizationWithoutWaiting();
  }

  @Override
  public boolean refreshAfterUnauthorizedWithoutWaiting(String rejected) {
    return delegate.refreshAfterUnauthorizedWithoutWaiting(rejected);
  }

  @Override
  public Optional<Instant> expiry() {
    return delegate.expiry();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public String toString() {
    return describe();
  }
}
