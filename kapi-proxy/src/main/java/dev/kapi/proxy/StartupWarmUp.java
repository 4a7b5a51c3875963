package dev.kapi.proxy;

import dev.kapi.proxy.internal.Transport;
import io.netty.handler.ssl.OpenSsl;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What serving the first request needs whatever the configuration, loaded and initialised ahead of
 * {@link ProxyServer#start}: the launcher runs it on a second thread while it reads its flags (the first response
 * after start-up is a benchmarked target). Safe from any thread, any number of times.
 */
public final class StartupWarmUp {

  private StartupWarmUp() {
  }

  /**
   * In the order {@link ProxyServer#start} waits for them longest. First the JDK's TLS, initialised as Netty's
   * BoringSSL initialiser probes it (it asks the JDK whether it supports TLS 1.3; without BoringSSL the JDK's TLS is
   * the data path's): the longest step of start-up on a 2-core machine, and the upstream TLS context waits for it.
   * Then BoringSSL, then the native transport, which the server needs first but which takes a fraction of the time
   * and is initialised by whichever thread gets there first.
   */
  public static void run() {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[0], null);
      tls.getSupportedSSLParameters();
    } catch (GeneralSecurityException | RuntimeException e) {
      // left for ProxyServer.start, which builds its own context, to report
    }
    OpenSsl.isAvailable();
    Transport.best();
  }
}
