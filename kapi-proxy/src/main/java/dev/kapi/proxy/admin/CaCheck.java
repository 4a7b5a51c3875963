package dev.kapi.proxy.admin;

import dev.kapi.config.TlsSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code ca}: the certificate authority used to verify the API server is loaded and usable (a rotated
 * {@code ca.crt} is re-read here as it would be on the next handshake). Passes with
 * {@code --insecure-skip-tls-verify}, where there is nothing to load.
 */
public final class CaCheck implements HealthCheck {

  private final TlsSettings tls;

  public CaCheck(TlsSettings tls) {
    this.tls = tls;
  }

  @Override
  public String name() {
    return "ca";
  }

  @Override
  public CompletionStage<Void> check() {
    if (tls.insecureSkipTlsVerify()) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      if (tls.checkCa() <= 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("no CA certificate loaded (" + tls.describe() + ")"));
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException unusable) {
      return CompletableFuture.failedFuture(unusable);
    }
  }
}
