package dev.kapi.proxy.internal;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** One sentence on why the API server could not be reached, for a Status message: the cause, never a stack trace. */
final class UpstreamFailures {

  private UpstreamFailures() {
  }

  static String describe(Throwable cause, String server) {
    CertificateException cert = find(cause, CertificateException.class);
    if (cert != null) {
      return "TLS handshake with the API server " + server + " failed: " + cert.getMessage();
    }
    if (find(cause, SslHandshakeTimeoutException.class) != null) {
      return "TLS handshake with the API server " + server + " timed out";
    }
    SSLException ssl = find(cause, SSLException.class);
    if (ssl != null) {
      return "TLS with the API server " + server + " failed: " + ssl.getMessage();
    }
    if (find(cause, ConnectTimeoutException.class) != null) {
      return "cannot connect to the API server " + server + ": connection timed out";
    }
    UnknownHostException unknown = find(cause, UnknownHostException.class);
    if (unknown != null) {
      return "cannot resolve the API server's host " + unknown.getMessage();
    }
    if (find(cause, ConnectException.class) != null) {
      return "cannot connect to the API server " + server + ": " + firstLine(find(cause, ConnectException.class));
    }
    if (cause == null || cause instanceof ClosedChannelException) {
      return "the API server " + server + " closed the connection before answering";
    }
    return "the connection to the API server " + server + " failed: " + firstLine(cause);
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    m = m.lines().findFirst().orElse(m);
    // the native transport says "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:6443"
    m = NativeErrors.reason(m).replaceFirst(": /[^ ]+$", "");
    return m;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
