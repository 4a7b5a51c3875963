package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.Credentials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upgrade path against a local upstream that answers 101 and then echoes: the real API server cannot give a
 * 101 without a kubelet (see UpgradeApiServerTest for its refusals, relayed).
 */
class UpgradeTunnelTest {

  private static final String SPDY_HEAD = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
      + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n";
  private static final FilterRules ALLOW_EXEC = FilterRules.parse(FilterRules.DEFAULT_ACCEPT_PATHS, "",
      FilterRules.DEFAULT_ACCEPT_HOSTS, FilterRules.DEFAULT_REJECT_METHODS);

  private final CountDownLatch upstreamClosed = new CountDownLatch(1);
  private FakeUpstream upstream;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Switches to a byte echo: the 101 head and a greeting in one write, then every byte back as it came. */
  private void answer101ThenEcho(ChannelHandlerContext ctx, String head) {
    ChannelPipeline p = ctx.pipeline();
    p.context("codec").writeAndFlush(Unpooled.copiedBuffer(head + "HELLO", StandardCharsets.ISO_8859_1));
    p.addLast("echo", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        c.writeAndFlush(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        upstreamClosed.countDown();
      }
    });
    p.remove("aggregator");
    p.remove("codec");
  }

  private void start(FakeUpstream.Behaviour b) throws Exception {
    start(b, Credentials.staticToken("sa-token"));
  }

  private void start(FakeUpstream.Behaviour b, Credentials credentials) throws Exception {
    upstream = new FakeUpstream(b);
    proxy = ProxyServer.start(ProxyConfig.builder(upstream.cluster(credentials)).port(0).filter(ALLOW_EXEC).build());
  }

  @Test
  void a401ToAnUpgradeRefreshesTheCredentialSoTheNextSessionOpens() throws Exception {
    // nothing is replayed (the session may have started), but the refused token is not kept either
    ProxyBehaviourTest.RotatingCredentials creds = new ProxyBehaviourTest.RotatingCredentials();
    start((ctx, req) -> {
      if ("Bearer new".equals(req.headers().get("Authorization"))) {
        answer101ThenEcho(ctx, SPDY_HEAD);
      } else {
        FakeUpstream.unauthorized(ctx);
      }
    }, creds);
    String exec = "POST /api/v1/namespaces/d/pods/p/exec?command=sh HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
        + "Content-Length: 0\r\n\r\n";
    assertThat(RawHttp.exchange(proxy.port(), exec).code()).isEqualTo(401);
    assertThat(creds.refreshedWith.get()).isEqualTo("Bearer old");
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send(exec);
      assertThat(c.readResponse(false).code()).isEqualTo(101);
    }
  }

  @Test
  void splicesBytesBothWaysIncludingBytesSentRightBehindEitherHead() throws Exception {
    start((ctx, req) -> answer101ThenEcho(ctx, SPDY_HEAD));
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("POST /api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
          + "X-Stream-Protocol-Version: v3.channel.k8s.io\r\nContent-Length: 0\r\n\r\nEARLY");
      RawHttp.Response head = c.readResponse(false);
      assertThat(head.code()).isEqualTo(101);
      assertThat(head.header("Upgrade")).isEqualTo("SPDY/3.1");
      assertThat(head.header("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
      assertThat(new String(c.input().readNBytes(10), StandardCharsets.ISO_8859_1)).isEqualTo("HELLOEARLY");
      c.send("PING");
      assertThat(new String(c.input().readNBytes(4), StandardCharsets.ISO_8859_1)).isEqualTo("PING");

      FullHttpRequest sent = upstream.nextRequest();
      assertThat(sent.method().name()).isEqualTo("POST");
      assertThat(sent.uri()).isEqualTo("/api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true");
      assertThat(sent.headers().get("Connection")).isEqualTo("Upgrade");
      assertThat(sent.headers().get("Upgrade")).isEqualTo("SPDY/3.1");
      assertThat(sent.headers().getAll("X-Stream-Protocol-Version"))
          .containsExactly("v4.channel.k8s.io", "v3.channel.k8s.io");
      assertThat(sent.headers().get("Host")).isEqualTo("127.0.0.1:" + upstream.port());
      assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer sa-token");
      sent.release();
    }
    assertThat(upstreamClosed.await(30, TimeUnit.SECONDS)).as("client close reaches the API server side").isTrue();
  }

  @Test
  void carriesMegabytesThroughTheTunnelIntact() throws Exception {
    start((ctx, req) -> answer101ThenEcho(ctx, SPDY_HEAD));
    byte[] data = new byte[8 << 20];
    new Random(42).nextBytes(data);
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("POST /api/v1/namespaces/d/pods/p/portforward HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
          + "Upgrade: SPDY/3.1\r\nContent-Length: 0\r\n\r\n");
      assertThat(c.readResponse(false).code()).isEqualTo(101);
      assertThat(c.input().readNBytes(5)).isEqualTo("HELLO".getBytes(StandardCharsets.ISO_8859_1));
      Thread writer = new Thread(() -> {
        try {
          c.send(data);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      byte[] back = c.input().readNBytes(data.length);
      writer.join();
      assertThat(Arrays.equals(back, data)).as("echoed bytes equal sent bytes").isTrue();
    }
  }

  @Test
  void webSocketUpgradeKeepsTheHandshakeAndDropsBearerSubprotocols() throws Exception {
    start((ctx, req) -> answer101ThenEcho(ctx, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        + "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"));
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("GET /api/v1/namespaces/d/pods/p/exec?command=ls HTTP/1.1\r\nHost: localhost:8001\r\n"
          + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Protocol: base64url.bearer.authorization.k8s.io.c2VjcmV0, v5.channel.k8s.io\r\n\r\n");
      RawHttp.Response head = c.readResponse(false);
      assertThat(head.code()).isEqualTo(101);
      assertThat(head.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      assertThat(head.header("Sec-WebSocket-Protocol")).isEqualTo("v5.channel.k8s.io");
      assertThat(new String(c.input().readNBytes(5), StandardCharsets.ISO_8859_1)).isEqualTo("HELLO");
      c.send(new byte[] {(byte) 0x82, 0x01, 0x00});
      assertThat(c.input().readNBytes(3)).containsExactly((byte) 0x82, 0x01, 0x00);
    }
    FullHttpRequest sent = upstream.nextRequest();
    assertThat(sent.headers().get("Sec-WebSocket-Key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
    assertThat(sent.headers().get("Sec-WebSocket-Version")).isEqualTo("13");
    assertThat(sent.headers().getAll("Sec-WebSocket-Protocol")).containsExactly("v5.channel.k8s.io");
    sent.release();
  }

  @Test
  void relaysARefusedUpgradeAsItCameAndEndsTheConnection() throws Exception {
    String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"pods \\\"p\\\" not found\",\"reason\":\"NotFound\",\"code\":404}\n";
    start((ctx, req) -> {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
          Unpooled.copiedBuffer(status, StandardCharsets.UTF_8));
      r.headers().set("Content-Type", "application/json").set("Audit-Id", "a-1")
          .setInt("Content-Length", r.content().readableBytes());
      ctx.writeAndFlush(r);
    });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("GET /api/v1/namespaces/d/pods/p/exec?command=ls HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      RawHttp.Response r = c.readResponse(false);
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.header("Audit-Id")).isEqualTo("a-1");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.bodyText()).isEqualTo(status);
      assertThat(c.input().read()).as("the connection ends after a refused upgrade").isEqualTo(-1);
    }
  }

  @Test
  void anUnreachableApiServerRefusesTheUpgradeWithAStatus() throws Exception {
    int port = FreePorts.closed();
    proxy = ProxyServer.start(ProxyConfig.builder(dev.kapi.config.ClusterConfig.builder()
        .server("https://127.0.0.1:" + port).build()).port(0).filter(ALLOW_EXEC).build());
    RawHttp.Response r = RawHttp.exchange(proxy.port(), "GET /api/v1/namespaces/d/pods/p/attach HTTP/1.1\r\n"
        + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.bodyText()).contains("\"reason\":\"ServiceUnavailable\"")
        .contains("cannot connect to the API server https://127.0.0.1:" + port);
  }

  @Test
  void aWebSocketFromAPageOnAnotherSiteIsRefusedBeforeAnythingGoesUpstream() throws Exception {
    start((ctx, req) -> answer101ThenEcho(ctx, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
    String handshake = "GET /api/v1/namespaces/d/pods/p/portforward?ports=80 HTTP/1.1\r\nHost: localhost:8001\r\n"
        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    // what a browser sends for new WebSocket("ws://localhost:8001/…") on https://evil.example: no preflight
    RawHttp.Response refused = RawHttp.exchange(proxy.port(), handshake + "Origin: https://evil.example\r\n\r\n");
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.bodyText()).contains("\"reason\":\"Forbidden\"")
        .contains("origin \\\"https://evil.example\\\": host \\\"evil.example\\\" matches no --accept-hosts rule");
    assertThat(upstream.requests).isEmpty();
    // a page served by the proxy itself (--www), or a client that names its own target, passes
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send(handshake + "Origin: http://localhost:8001\r\n\r\n");
      assertThat(c.readResponse(false).code()).isEqualTo(101);
    }
  }

  @Test
  void theDefaultFilterRefusesExecBeforeAnythingGoesUpstream() throws Exception {
    upstream = new FakeUpstream((ctx, req) -> answer101ThenEcho(ctx, SPDY_HEAD));
    proxy = ProxyServer.start(ProxyConfig.builder(upstream.cluster(Credentials.none())).port(0).build());
    RawHttp.Response r = RawHttp.exchange(proxy.port(), "POST /api/v1/namespaces/d/pods/p/exec HTTP/1.1\r\n"
        + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.bodyText()).contains("--reject-paths rule \\\"^/api/.*/pods/.*/exec\\\"");
    assertThat(upstream.requests).isEmpty();
  }
}
