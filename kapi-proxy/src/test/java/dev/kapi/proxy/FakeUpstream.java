package dev.kapi.proxy;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import dev.kapi.testing.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for one piece of API server behaviour the real one cannot be made to show on demand (a 101
 * with bytes behind it, a hung response, a connection dropped mid-body). HTTPS with a certificate from a test CA;
 * every request is recorded; what to answer is up to the test's {@link Behaviour}.
 */
final class FakeUpstream implements AutoCloseable {

  /** Answers one aggregated request; may write anything, including raw bytes after removing the codec. */
  interface Behaviour {
    void answer(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception;
  }

  static final TestPki PKI = TestPki.create("fake-upstream-ca");
  private static final TestPki.Issued SERVING = PKI.server("localhost", List.of("localhost"), List.of("127.0.0.1"));

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  final BlockingQueue<FullHttpRequest> requests = new LinkedBlockingQueue<>();

  FakeUpstream(Behaviour behaviour) throws Exception {
    this(behaviour, SERVING);
  }

  FakeUpstream(Behaviour behaviour, TestPki.Issued serving) throws Exception {
    this(behaviour, SslContextBuilder.forServer(serving.keyPair().getPrivate(), serving.certificate()).build());
  }

  /** Asks every client for a certificate signed by the test CA, as an API server with client-certificate auth. */
  static FakeUpstream requiringClientCertificates(Behaviour behaviour) throws Exception {
    return new FakeUpstream(behaviour, SslContextBuilder.forServer(SERVING.keyPair().getPrivate(), SERVING.certificate())
        .trustManager(PKI.ca().certificate()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE).build());
  }

  /** A 401 with a small JSON body, as the API server refuses a credential. */
  static void unauthorized(ChannelHandlerContext ctx) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
        Unpooled.copiedBuffer("{\"code\":401}", StandardCharsets.UTF_8));
    r.headers().setInt("Content-Length", r.content().readableBytes());
    ctx.writeAndFlush(r);
  }

  /** The common name of the client certificate presented on {@code ctx}'s connection. */
  static String clientCommonName(ChannelHandlerContext ctx) throws Exception {
    var session = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession();
    return ((java.security.cert.X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }

  private FakeUpstream(Behaviour behaviour, SslContext ssl) throws Exception {
    channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()))
                .addLast("codec", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                .addLast("app", new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
                    requests.add(req.retainedDuplicate());
                    behaviour.answer(ctx, req);
                  }
                });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** A cluster config for this server, trusting the test CA, with the given credentials. */
  ClusterConfig cluster(Credentials credentials) {
    return ClusterConfig.builder().server("https://127.0.0.1:" + port())
        .tls(TlsSettings.builder().caPem(PKI.ca().certificatePem(), "test", "fake CA").build())
        .credentials(credentials).build();
  }

  FullHttpRequest nextRequest() throws InterruptedException {
    FullHttpRequest r = requests.poll(30, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the fake upstream received no request within 30 s");
    }
    return r;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
