package dev.kapi.proxy;

import dev.kapi.proxy.internal.Transport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.ssl.OpenSsl;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * What serving the first request needs whatever the configuration, loaded and initialised ahead of
 * {@link ProxyServer#start}: the launcher runs it on a second thread while it reads its flags (the first response
 * after start-up is a benchmarked target). Safe from any thread, any number of times.
 */
public final class StartupWarmUp implements Runnable {

  private final CountDownLatch loggingReady;

  /**
   * @param loggingReady counted down once logging is initialised: Netty logs through SLF4J from its first class on,
   *     and SLF4J hands out placeholder loggers to other threads while it initialises (then complains on stderr
   *     about replaying what they logged); the JDK's TLS logs nothing and starts without waiting
   */
  public StartupWarmUp(CountDownLatch loggingReady) {
    this.loggingReady = loggingReady;
  }

  /**
   * In the order {@link ProxyServer#start} waits for them longest. First the JDK's TLS, initialised as Netty's
   * BoringSSL initialiser probes it (it asks the JDK whether it supports TLS 1.3; without BoringSSL the JDK's TLS is
   * the data path's): the longest step of start-up on a 2-core machine, and the upstream TLS context waits for it.
   * Then, once logging is ready, BoringSSL, then the native transport, which the server needs first but which takes
   * a fraction of the time and is initialised by whichever thread gets there first. Last, the annotations Netty
   * looks for on every handler class (see {@link #handlerAnnotations}).
   */
  @Override
  public void run() {
    jdkTls();
    try {
      loggingReady.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    OpenSsl.isAvailable();
    Transport.best();
    handlerAnnotations();
    // the API server's certificate is checked on the event loop during the first handshake; its first X.500 name
    // comparison loads the JDK's Unicode normaliser tables (~10 ms in the class-load trace), loaded here instead
    new X500Principal("CN=kapi").getName(X500Principal.CANONICAL);
  }

  static void jdkTls() {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[0], null);
      tls.getSupportedSSLParameters();
    } catch (GeneralSecurityException | RuntimeException e) {
      // left for ProxyServer.start, which builds its own context, to report
    }
  }

  /**
   * Netty asks each handler class whether it is {@code @Sharable} and which of its methods carry its internal
   * {@code @Skip} (and meets {@code @Deprecated} on {@code exceptionCaught}). The JDK answers the first such question
   * per annotation type by generating a proxy class for it and its meta-annotations in the interpreter: ~20 ms on
   * the thread that binds the server and ~5 ms more on the event loop before the first response (class-load trace).
   * The generated classes and the parsed annotations of Netty's adapter methods are shared by all threads.
   */
  static void handlerAnnotations() {
    ChannelInitializer.class.isAnnotationPresent(ChannelHandler.Sharable.class);
    for (Class<?> adapter : List.of(ChannelInboundHandlerAdapter.class, ChannelOutboundHandlerAdapter.class)) {
      for (Method m : adapter.getMethods()) {
        if (m.getDeclaringClass() != Object.class) { // Object's carry JDK-internal annotations Netty never asks for
          m.getAnnotations();
        }
      }
    }
  }
}
