package dev.kapi.proxy.observe;

import dev.kapi.config.CredentialsUnavailableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Why talking to the API server failed, in a few stable words fit for a metric label. */
public enum UpstreamFailure {
  /** Nobody listening, or the host unreachable. */
  CONNECT_REFUSED,
  /** The TCP (or TLS) connect did not finish within the connect timeout. */
  CONNECT_TIMEOUT,
  /** The API server's host name did not resolve. */
  DNS,
  /** The TLS handshake failed: certificate not trusted, wrong name, expired, protocol mismatch. */
  TLS,
  /** The response head did not arrive within the request timeout. */
  HEADER_TIMEOUT,
  /** The connection was reset or closed before or during the response. */
  RESET,
  /** The credential could not be read (token file missing, empty). */
  CREDENTIALS,
  /** Anything else. */
  OTHER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The best-fitting cause for {@code error}, looking through its causes. */
  public static UpstreamFailure classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return DNS;
      }
      if (t instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
        return CONNECT_TIMEOUT; // a busy or paused server, not a certificate: a retry may well succeed
      }
      if (t instanceof SSLException || t instanceof CertificateException) {
        return TLS;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        // Netty's ConnectTimeoutException is a ConnectException whose message says so.
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("timed out") ? CONNECT_TIMEOUT : CONNECT_REFUSED;
      }
      if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
        return HEADER_TIMEOUT;
      }
      if (t instanceof ClosedChannelException) {
        return RESET;
      }
      if (t instanceof java.io.IOException io && io.getMessage() != null
          && io.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
        return RESET;
      }
      if (t instanceof CredentialsUnavailableException) {
        return CREDENTIALS;
      }
    }
    return OTHER;
  }
}
