package dev.kapi.proxy.admin;

import dev.kapi.config.Credentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code token}: the credential has a token in force (read now, or the last good one while the file is briefly
 * away, as for requests) and it has not expired by its own {@code exp} claim. A projected service-account token the kubelet stopped refreshing shows
 * here before the API server starts answering 401. Credentials with no token (client certificate, anonymous)
 * pass.
 */
public final class TokenCheck implements HealthCheck {

  private final Credentials credentials;
  private final Clock clock;

  public TokenCheck(Credentials credentials, Clock clock) {
    this.credentials = credentials;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "token";
  }

  @Override
  public CompletionStage<Void> check() {
    try {
      // throws CredentialsUnavailableException naming the file and the problem (or an exec plugin still running);
      // the admin listener runs on an event loop, which must not wait for a plugin
      credentials.authorizationWithoutWaiting();
      var expiry = credentials.expiry();
      if (expiry.isPresent()) {
        Instant now = clock.instant();
        if (!expiry.get().isAfter(now)) {
          return CompletableFuture.failedFuture(new IllegalStateException(credentials.describe()
              + " expired at " + expiry.get() + " by its exp claim (" + ago(Duration.between(expiry.get(), now))
              + " ago)"));
        }
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException unreadable) {
      return CompletableFuture.failedFuture(unreadable);
    }
  }

  static String ago(Duration d) {
    long s = d.getSeconds();
    return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h";
  }
}
