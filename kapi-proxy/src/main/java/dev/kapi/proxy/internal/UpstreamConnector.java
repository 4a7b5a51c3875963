package dev.kapi.proxy.internal;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.TlsSettings;
import dev.kapi.proxy.observe.UpstreamFailure;
import dev.kapi.proxy.observe.UpstreamObserver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Opens connections to the API server: TCP (keep-alive as configured), TLS with kapi-config's trust manager (which
 * checks chain, dates and host name itself, against {@code tls-server-name} or the host dialled), HTTP/1.1. No ALPN
 * is offered, so every connection is HTTP/1.1, which upgrades (exec, attach, port-forward) require.
 */
final class UpstreamConnector {

  static final String CODEC = "http";
  static final String UNIFORM = "uniform-content";

  /**
   * The API server is the trusted side: its header names are not re-validated character by character (that
   * was the largest single cost in profiles of small requests); the client side's decoder still validates.
   */
  private static final HttpDecoderConfig RESPONSE_DECODING = new HttpDecoderConfig()
      .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(1024 * 1024).setMaxChunkSize(64 * 1024)
      .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
      .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false));

  private final String host;
  private final int port;
  private final String peerHost;
  private final SslContext ssl; // null for an http:// server
  private final Transport transport;
  private final Optional<Duration> keepAlive;
  private final int connectTimeoutMillis;
  private final WriteBufferWaterMark waterMark;
  private final UpstreamObserver observer;

  UpstreamConnector(ClusterConfig cluster, Transport transport, Optional<Duration> keepAlive,
      WriteBufferWaterMark waterMark, UpstreamObserver observer) {
    this.observer = observer;
    this.host = bareHost(cluster.server().getHost());
    this.port = cluster.port();
    this.transport = transport;
    this.keepAlive = keepAlive;
    this.waterMark = waterMark;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, cluster.connectTimeout().toMillis());
    TlsSettings tls = cluster.tls();
    this.peerHost = tls.serverName().orElse(host);
    this.ssl = "https".equals(cluster.server().getScheme()) ? sslContext(tls) : null;
  }

  /**
   * BoringSSL (netty-tcnative) when its native library loads, else the JDK's engine; either way the trust decision
   * is kapi-config's trust manager's. Measured (docs/benchmarks.md): with the JDK engine AES-GCM runs in Java until
   * C2 has compiled the cipher loops, so a fresh proxy serves its first seconds and its first large bodies several
   * times slower; BoringSSL is fast from the first request.
   */
  static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  private static SslContext sslContext(TlsSettings tls) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider())
          .trustManager(tls.trustManager())
          // the trust manager verifies the host name itself (against tls-server-name or the engine's peer host)
          .endpointIdentificationAlgorithm(null);
      tls.keyManager().ifPresent(b::keyManager);
      return b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS to the API server: " + e.getMessage(), e);
    }
  }

  /** A connected (and TLS-handshaken) connection on {@code loop}; pooled when {@code pool} is not null. */
  Future<UpstreamConnection> connect(EventLoop loop, UpstreamPool pool) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    UpstreamConnection connection = new UpstreamConnection(pool);
    Bootstrap b = new Bootstrap().group(loop).channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              SslHandler h = ssl.newHandler(ch.alloc(), peerHost, port);
              h.setHandshakeTimeoutMillis(connectTimeoutMillis);
              if (!(ssl instanceof OpenSslContext)) {
                ch.pipeline().addLast("heap", HeapInbound.INSTANCE);
              }
              ch.pipeline().addLast("tls", h);
            }
            ch.pipeline().addLast(CODEC, new HttpClientCodec(RESPONSE_DECODING, false, false));
            ch.pipeline().addLast(UNIFORM, UniformContent.INSTANCE);
            ch.pipeline().addLast("upstream", connection);
          }
        });
    transport.keepAlive(b, keepAlive);
    ChannelFuture cf = b.connect(host, port);
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        failed(promise, f.cause());
        return;
      }
      SslHandler tlsHandler = cf.channel().pipeline().get(SslHandler.class);
      if (tlsHandler == null) {
        opened(promise, connection, cf.channel());
        return;
      }
      tlsHandler.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          opened(promise, connection, cf.channel());
        } else {
          cf.channel().close();
          failed(promise, h.cause());
        }
      });
    });
    return promise;
  }

  private void opened(Promise<UpstreamConnection> promise, UpstreamConnection connection, Channel ch) {
    observer.connectionOpened();
    ch.closeFuture().addListener(closed -> observer.connectionClosed());
    promise.trySuccess(connection);
  }

  private void failed(Promise<UpstreamConnection> promise, Throwable cause) {
    observer.failed(UpstreamFailure.classify(cause), UpstreamFailures.describe(cause, host + ":" + port));
    promise.tryFailure(cause);
  }

  private static String bareHost(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
