package dev.kapi.client;

/**
 * Anything kapi-client throws: a Status from the API server ({@link KubeApiException}), a transport failure
 * (connect refused, TLS, timeout: the cause is the {@link java.io.IOException}), a resource name that discovery
 * does not know ({@link UnknownResourceException}), or a closed client. Unchecked, as callers rarely recover
 * locally; when a request was retried, the earlier attempts' errors are attached as suppressed exceptions.
 */
public class KubeException extends RuntimeException {

  public KubeException(String message) {
    super(message);
  }

  public KubeException(String message, Throwable cause) {
    super(message, cause);
  }
}
