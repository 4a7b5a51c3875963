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
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Opens connections to the API server: TCP (keep-alive as configured), TLS with kapi-config's trust manager (which
 * checks chain, dates and host name itself, against {@code tls-server-name} or the host dialled), then HTTP/1.1, or
 * HTTP/2 when the pool asks for a connection that may multiplex and the server picks {@code h2} by ALPN. A
 * connection for an upgrade (exec, attach, port-forward) offers no ALPN, so it is always HTTP/1.1, which upgrades
 * require.
 */
final class UpstreamConnector {

  static final String CODEC = "http";
  static final String UNIFORM = "uniform-content";
  static final String EGRESS = "egress-proxy";

  /**
   * The API server is the trusted side: its header names are not re-validated character by character (that
   * was the largest single cost in profiles of small requests); the client side's decoder still validates.
   */
  private static final HttpDecoderConfig RESPONSE_DECODING = new HttpDecoderConfig()
      .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(1024 * 1024).setMaxChunkSize(64 * 1024)
      .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
      .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false));

  /**
   * Per stream: at most this much of a response waits in the proxy for a slow client (the stream's window; the API
   * server sends no more until the client has taken some). Large enough for a large list to stream at full speed.
   */
  static final int HTTP2_STREAM_WINDOW = 1024 * 1024;
  static final int HTTP2_CONNECTION_WINDOW = 1 << 30;
  private static final Http2Settings HTTP2_SETTINGS = Http2Settings.defaultSettings().pushEnabled(false)
      .initialWindowSize(HTTP2_STREAM_WINDOW).maxHeaderListSize(1024 * 1024);

  private final String host;
  private final int port;
  private final String peerHost;
  private final SslContext ssl; // null for an http:// server
  private final TlsSettings tls;
  private volatile SslContext sslOfferingHttp2; // ALPN h2, http/1.1; built at the first multiplexed connection
  private final Transport transport;
  private final Optional<Duration> keepAlive;
  private final int connectTimeoutMillis;
  private final WriteBufferWaterMark waterMark;
  private final UpstreamObserver observer;
  private final Optional<EgressProxy> egress;

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
    boolean https = "https".equals(cluster.server().getScheme());
    this.tls = tls;
    this.ssl = https ? sslContext(tls, false) : null;
    this.egress = EgressProxy.of(cluster, connectTimeoutMillis);
  }

  /**
   * Built when first needed, not at start: a second BoringSSL context costs a new proxy ~60 ms of CPU before its
   * first response, and with the default only the first watch needs it.
   */
  private SslContext sslOfferingHttp2() {
    SslContext c = sslOfferingHttp2;
    if (c == null) {
      synchronized (this) {
        c = sslOfferingHttp2;
        if (c == null) {
          c = sslContext(tls, true);
          sslOfferingHttp2 = c;
        }
      }
    }
    return c;
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

  private static SslContext sslContext(TlsSettings tls, boolean offerHttp2) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider())
          .trustManager(tls.trustManager())
          // the trust manager verifies the host name itself (against tls-server-name or the engine's peer host)
          .endpointIdentificationAlgorithm(null);
      if (offerHttp2) {
        b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
      }
      tls.keyManager().ifPresent(b::keyManager);
      SslContext context = b.build();
      // No session resumption: a resumed session presents the certificate of the handshake it resumes, and its
      // trust was decided then, so a renewed client certificate and a rotated CA would never be used. Upstream
      // connections are pooled and long-lived; a full handshake for each new one costs next to nothing.
      if (context.sessionContext() instanceof io.netty.handler.ssl.OpenSslSessionContext openSsl) {
        openSsl.setSessionCacheEnabled(false);
      } else if (context.sessionContext() != null) {
        context.sessionContext().setSessionTimeout(1); // the JDK's cache cannot be turned off: sessions expire at once
      }
      return context;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS to the API server: " + e.getMessage(), e);
    }
  }

  /** A connected (and TLS-handshaken) HTTP/1.1 connection on {@code loop}; pooled when {@code pool} is not null. */
  Future<UpstreamConnection> connect(EventLoop loop, UpstreamPool pool) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    open(loop, pool, false).addListener(f -> {
      if (f.isSuccess()) {
        promise.trySuccess((UpstreamConnection) f.getNow());
      } else {
        promise.tryFailure(f.cause());
      }
    });
    return promise;
  }

  /**
   * A connected connection for {@code pool} that may multiplex: an {@link Http2Session} when the server picks HTTP/2
   * by ALPN, else an HTTP/1.1 {@link UpstreamConnection}. Over plain http:// it is always HTTP/1.1 (no prior
   * knowledge: the API server serves HTTP/2 only over TLS).
   */
  Future<Object> connectMultiplexed(EventLoop loop, UpstreamPool pool) {
    return open(loop, pool, true);
  }

  private Future<Object> open(EventLoop loop, UpstreamPool pool, boolean offerHttp2) {
    Promise<Object> promise = loop.newPromise();
    UpstreamConnection connection = new UpstreamConnection(pool);
    SslContext ssl;
    try {
      ssl = this.ssl == null ? null : offerHttp2 ? sslOfferingHttp2() : this.ssl;
    } catch (IllegalStateException e) {
      failed(promise, e);
      return promise;
    }
    Bootstrap b = new Bootstrap().group(loop).channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            egress.ifPresent(e -> ch.pipeline().addLast(EGRESS, e.newHandler())); // first: TLS runs inside the tunnel
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
    ChannelFuture cf;
    if (egress.isPresent()) {
      // the proxy resolves the API server's name (CONNECT host:port), so it is not resolved here
      cf = b.resolver(NoopAddressResolverGroup.INSTANCE).connect(InetSocketAddress.createUnresolved(host, port));
    } else {
      cf = b.connect(host, port);
    }
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        failed(promise, f.cause());
        return;
      }
      ProxyHandler tunnel = (ProxyHandler) cf.channel().pipeline().get(EGRESS);
      if (tunnel == null) {
        secured(promise, connection, cf.channel(), pool);
        return;
      }
      tunnel.connectFuture().addListener(t -> {
        if (t.isSuccess()) {
          secured(promise, connection, cf.channel(), pool);
        } else {
          cf.channel().close();
          failed(promise, t.cause()); // the proxy's own answer (a 407, a refused CONNECT), not the TLS handler's echo of it
        }
      });
    });
    return promise;
  }

  /** The connection once TCP (and any tunnel) is up: after the TLS handshake when there is one. */
  private void secured(Promise<Object> promise, UpstreamConnection connection, Channel ch, UpstreamPool pool) {
    SslHandler tlsHandler = ch.pipeline().get(SslHandler.class);
    if (tlsHandler == null) {
      opened(promise, connection, ch);
      return;
    }
    tlsHandler.handshakeFuture().addListener(h -> {
      if (h.isSuccess() && ApplicationProtocolNames.HTTP_2.equals(tlsHandler.applicationProtocol())) {
        opened(promise, http2(ch, pool), ch);
      } else if (h.isSuccess()) {
        opened(promise, connection, ch);
      } else {
        ch.close();
        failed(promise, h.cause());
      }
    });
  }

  /**
   * Turns a handshaken connection whose server chose {@code h2} into a multiplexed session. Runs in the handshake's
   * listener, before the TLS handler passes on any bytes that followed the handshake (the server's SETTINGS).
   */
  private static Http2Session http2(Channel ch, UpstreamPool pool) {
    ChannelPipeline p = ch.pipeline();
    p.remove(CODEC);
    p.remove(UNIFORM);
    p.remove(UpstreamConnection.class);
    Http2Session session = new Http2Session(pool);
    p.addLast("h2-idle", new IdleStateHandler(Http2Session.READ_IDLE_SECONDS, 0, 0))
        // streams over the server's limit wait in the codec for a slot instead of failing: the pool keeps to the
        // limit, but starts with 100 before the server's SETTINGS have arrived
        .addLast("h2", Http2FrameCodecBuilder.forClient().validateHeaders(false).initialSettings(HTTP2_SETTINGS)
            .encoderEnforceMaxConcurrentStreams(true).build())
        .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
        .addLast("h2-session", session);
    // the connection's window as Go's transport sets it (1 GiB). The codec hands connection-level window back as
    // data arrives, so what a slow client leaves waiting is bounded by its stream's window alone; the default
    // 64 KiB would cap all of the connection's streams together at 64 KiB in flight
    ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(HTTP2_CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
    return session;
  }

  private void opened(Promise<Object> promise, Object connection, Channel ch) {
    observer.connectionOpened();
    ch.closeFuture().addListener(closed -> observer.connectionClosed());
    promise.trySuccess(connection);
  }

  private void failed(Promise<Object> promise, Throwable cause) {
    observer.failed(UpstreamFailure.classify(cause), UpstreamFailures.describe(cause, host + ":" + port));
    promise.tryFailure(cause);
  }

  private static String bareHost(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
