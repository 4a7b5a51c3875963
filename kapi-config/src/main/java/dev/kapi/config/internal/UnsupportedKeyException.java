package dev.kapi.config.internal;

/**
 * A well-formed private key that Kubernetes clients do not accept (another algorithm, an unknown curve, explicit
 * curve parameters, encryption). The message completes "{@code <source>: <field> }…" and holds no key material.
 */
public final class UnsupportedKeyException extends Exception {

  public UnsupportedKeyException(String problem) {
    super(problem, null, false, false);
  }
}
