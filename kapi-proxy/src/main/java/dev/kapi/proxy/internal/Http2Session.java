package dev.kapi.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection to the API server, as the last handler of its pipeline (after the frame codec and the
 * multiplexer): it opens a stream per request and tracks what the pool needs to choose a connection: streams in
 * use against the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, a {@code GOAWAY}, and liveness.
 *
 * <p>Each stream is a child channel whose pipeline turns frames into the same HTTP objects an HTTP/1.1 connection
 * delivers, ending in an {@link UpstreamConnection}: exchanges cannot tell the two apart. A stream's child channel
 * stops reading when its exchange pauses it, and then returns no flow-control window, so a slow client stops its
 * own stream at the server without stalling the others.
 *
 * <p>Liveness as client-go's HTTP/2 transport checks it ({@code ReadIdleTimeout} 30 s, {@code PingTimeout} 15 s):
 * a connection that has read nothing for 30 s is pinged, and closed when the ping is not answered within 15 s. All
 * watches multiplexed on a dead connection would otherwise hang until TCP gives up, which takes ~15 minutes.
 */
final class Http2Session extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(Http2Session.class);

  static final int READ_IDLE_SECONDS = 30;
  static final int PING_TIMEOUT_SECONDS = 15;
  /** Until the server's SETTINGS say otherwise; what Go's transport assumes too. */
  private static final int INITIAL_MAX_STREAMS = 100;

  private final UpstreamPool pool;
  private Channel channel;
  private long maxStreams = INITIAL_MAX_STREAMS;
  private int openStreams;
  private boolean goingAway;
  private ScheduledFuture<?> pingTimeout;
  long idleSinceNanos = System.nanoTime();

  Http2Session(UpstreamPool pool) {
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  /** Whether another request may start here now. */
  boolean canOpenStream() {
    return !goingAway && channel.isActive() && openStreams < maxStreams;
  }

  int openStreams() {
    return openStreams;
  }

  /** A new stream for one request, delivered to {@code a} as a connection; {@code reused} as the pool says. */
  void openStream(UpstreamPool.Acquirer a, boolean reused) {
    openStreams++;
    UpstreamConnection connection = new UpstreamConnection(null);
    Future<Http2StreamChannel> f = new Http2StreamChannelBootstrap(channel)
        .handler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline().addLast(UpstreamConnector.CODEC, new Http2StreamFrameToHttpObjectCodec(false, false))
                .addLast("h2-head", new Http2ResponseHead())
                .addLast(UpstreamConnector.UNIFORM, UniformContent.INSTANCE)
                .addLast("upstream", connection);
          }
        }).open();
    f.addListener(done -> {
      if (done.isSuccess()) {
        Http2StreamChannel ch = f.getNow();
        ch.closeFuture().addListener(closed -> streamClosed());
        a.acquired(connection, reused);
      } else {
        streamClosed();
        a.acquireFailed(done.cause());
      }
    });
  }

  private void streamClosed() {
    openStreams--;
    if (openStreams == 0) {
      idleSinceNanos = System.nanoTime();
      if (goingAway) {
        channel.close(); // the server asked for no new streams and the last one is done
      }
    }
    pool.sessionHasRoom(this);
  }

  void close() {
    channel.close();
  }

  /** No new streams here (the client certificate it presented was refused); it closes once its last stream ends. */
  void retire() {
    goingAway = true;
    if (openStreams == 0) {
      channel.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2SettingsFrame s) {
        Long max = s.settings().maxConcurrentStreams();
        if (max != null) {
          maxStreams = max;
          pool.sessionHasRoom(this);
        }
      } else if (msg instanceof Http2GoAwayFrame) {
        // streams above the server's last stream id are closed by the codec (and retried by their exchanges when
        // they can be); the others finish here while new requests go elsewhere
        goingAway = true;
        if (openStreams == 0) {
          ctx.close();
        }
      } else if (msg instanceof Http2PingFrame p && p.ack() && pingTimeout != null) {
        pingTimeout.cancel(false);
        pingTimeout = null;
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && pingTimeout == null && ctx.channel().isActive()) {
      ctx.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
      pingTimeout = ctx.executor().schedule(() -> {
        LOG.warn("the API server did not answer an HTTP/2 ping within {}s: closing the connection and its {}"
            + " streams", PING_TIMEOUT_SECONDS, openStreams);
        ctx.close();
      }, PING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pingTimeout != null) {
      pingTimeout.cancel(false);
    }
    pool.sessionClosed(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
