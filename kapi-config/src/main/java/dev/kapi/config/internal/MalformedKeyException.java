package dev.kapi.config.internal;

/**
 * PEM or DER bytes that cannot be read. The message says what is wrong in fixed words and never quotes the input,
 * which is private key material.
 */
public final class MalformedKeyException extends Exception {

  public MalformedKeyException(String problem) {
    super(problem, null, false, false);
  }
}
