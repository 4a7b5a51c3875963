package dev.kapi.config;

import java.time.Instant;
import java.util.Optional;

/**
 * Who the requests are from, as a value that can change under us: a token file the kubelet rotates, an exec
 * plugin whose credential expires, a static token. Callers ask for the header per request, or once for requests
 * that were all waiting before they asked, and report a 401; they keep no answer longer than that.
 * Implementations are thread-safe and cheap to call on every request.
 */
public interface Credentials {

  /** The {@code Authorization} header value for the next request, or empty to send none. */
  Optional<String> authorization();

  /**
   * Reports that the server answered 401 to a request that carried {@code rejected} (the exact header value
   * sent, or null). Returns true when a different credential is now available, so one retry makes sense.
   */
  boolean refreshAfterUnauthorized(String rejected);

  /**
   * {@link #authorization()} for a caller that must never wait (an event loop serving other clients): the same
   * answer when it is at hand. When getting it means waiting (an exec plugin with no valid credential yet), that
   * starts in the background and this throws {@link CredentialsUnavailableException} saying why there is none yet:
   * still running, or how the last attempt failed.
   */
  default Optional<String> authorizationWithoutWaiting() {
    return authorization();
  }

  /**
   * {@link #refreshAfterUnauthorized} for a caller that must never wait: when the refresh means waiting, it starts
   * in the background and this returns false (no retry now; the next request gets the new credential, or hears from
   * {@link #authorizationWithoutWaiting()} that it is not there yet).
   */
  default boolean refreshAfterUnauthorizedWithoutWaiting(String rejected) {
    return refreshAfterUnauthorized(rejected);
  }

  /** When the current credential stops being valid, if that is known (a JWT's {@code exp}, an exec expiry). */
  default Optional<Instant> expiry() {
    return Optional.empty();
  }

  /** A short description for logs and {@code toString()}: never the secret itself. */
  String describe();

  /** No credentials: anonymous, or a client certificate carried by {@link TlsSettings}. */
  static Credentials none() {
    return NoCredentials.INSTANCE;
  }

  /** A fixed bearer token (the {@code --token} flag, a kubeconfig {@code token}). */
  static Credentials staticToken(String token) {
    return new StaticToken(token);
  }

  /** HTTP Basic credentials (kubeconfig {@code username}/{@code password}). */
  static Credentials basic(String username, String password) {
    return new BasicAuth(username, password);
  }
}
