package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an HTTP/2 API server can do that the real one will not on demand: close a connection to new streams with
 * GOAWAY, refuse a stream. A local HTTP/2 server (ALPN {@code h2}) stands in; the proxy sends every request as a
 * stream ({@code --upstream-http2=all}). The watch-path behaviour against the real server is in
 * {@code ops.Http2UpstreamApiServerTest}.
 */
class Http2UpstreamBehaviourTest {

  private static final TestPki PKI = TestPki.create("fake-h2-ca");
  private static final TestPki.Issued SERVING = PKI.server("localhost", List.of("localhost"), List.of("127.0.0.1"));

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Channel server;
  private ProxyServer proxy;

  /** {@code /goaway}: answers, then GOAWAY on its connection; {@code /refuse-once}: the first time, RST_STREAM. */
  private void start() throws Exception {
    SslContext ssl = SslContextBuilder.forServer(SERVING.keyPair().getPrivate(), SERVING.certificate())
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
        .build();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(1 << 20), new Answer());
                  }
                }));
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    ClusterConfig cluster = ClusterConfig.builder()
        .server("https://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort())
        .tls(TlsSettings.builder().caPem(PKI.ca().certificatePem(), "test", "fake CA").build())
        .credentials(Credentials.staticToken("t")).build();
    proxy = ProxyServer.start(ProxyConfig.builder(cluster).port(0).upstreamHttp2(UpstreamHttp2.ALL).build());
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.uri().equals("/refuse-once") && refusals.getAndIncrement() == 0 || req.uri().equals("/refuse-always")) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
        return;
      }
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer("{\"path\":\"" + req.uri() + "\"}", StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      ctx.writeAndFlush(r).addListener(f -> {
        if (req.uri().equals("/goaway")) {
          ctx.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }
      });
    }
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close().awaitUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsShareOneConnectionUntilTheServerSaysGoAway() throws Exception {
    start();
    for (int i = 0; i < 5; i++) {
      assertThat(get("/a").statusCode()).isEqualTo(200);
    }
    assertThat(connections.get()).as("five requests, one connection").isEqualTo(1);
    HttpResponse<String> last = get("/goaway");
    assertThat(last.statusCode()).as("the stream the server finished before its GOAWAY").isEqualTo(200);
    assertThat(last.body()).isEqualTo("{\"path\":\"/goaway\"}");
    HttpResponse<String> next = get("/after");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("{\"path\":\"/after\"}");
    assertThat(connections.get()).as("after GOAWAY, a new connection").isEqualTo(2);
  }

  @Test
  void aRefusedStreamOfAGetIsRetriedOnce() throws Exception {
    start();
    assertThat(get("/a").statusCode()).isEqualTo(200); // the connection is up and reused from here on
    HttpResponse<String> r = get("/refuse-once");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"path\":\"/refuse-once\"}");
    assertThat(refusals.get()).isEqualTo(2);
  }

  /** A refused stream was not processed (RFC 9113 §8.7): a write did not take effect, so it may be sent again. */
  @Test
  void aRefusedWriteIsSentAgainWithoutABodyAndOtherwiseSaidToBeSafeToResend() throws Exception {
    start();
    assertThat(get("/a").statusCode()).isEqualTo(200);
    HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
        + "/refuse-once")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).as("sent again on a new stream, as Go's transport does").isEqualTo(200);
    assertThat(refusals.get()).isEqualTo(2);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
        + "/refuse-always")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(503);
    assertThat(post.headers().firstValue("Retry-After")).as("nothing took effect: client-go may resend").contains("1");
    assertThat(post.body()).contains("REFUSED_STREAM").contains("did not take effect")
        .doesNotContain("may have taken effect");
  }
}
