package dev.kapi.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One connection to the API server, as the last handler of its pipeline: it hands everything to the exchange that
 * holds it, or, while idle in the pool, notices the server closing it. Used by one exchange at a time and only
 * from its event loop.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

  private final UpstreamPool pool; // null for a dedicated (upgrade) connection
  private Channel channel;
  private UpstreamListener listener;
  private Throwable failure;
  long idleSinceNanos;

  UpstreamConnection(UpstreamPool pool) {
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  boolean isActive() {
    return channel.isActive();
  }

  /** Gives the connection to an exchange. */
  void attach(UpstreamListener l) {
    listener = l;
  }

  /** Takes it back: no more callbacks to the old exchange. */
  void detach() {
    listener = null;
  }

  /** Back to the pool if it can carry another request, else closed. */
  void release(boolean reusable) {
    listener = null;
    if (reusable && pool != null && channel.isActive()) {
      resumeReading(); // idle in the pool, it must still notice the server closing it
      pool.offer(this);
    } else {
      channel.close();
    }
  }

  /** Closes without telling the exchange (it already knows). */
  void discard() {
    listener = null;
    channel.close();
  }

  /** Backpressure: stop reading from the API server until the client can take more. */
  void pauseReading() {
    channel.config().setAutoRead(false);
  }

  void resumeReading() {
    channel.config().setAutoRead(true);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamRead(msg);
    } else {
      ReferenceCountUtil.release(msg); // bytes on an idle connection: it cannot be trusted any more
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.upstreamClosed(failure);
    } else if (pool != null) {
      pool.remove(this);
    }
  }

  /**
   * On an HTTP/2 stream: a GOAWAY is passed to each stream above its last stream id, and a reset with REFUSED_STREAM
   * to its stream; either way the server did not process the request, which the exchange may then send again.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2GoAwayFrame) {
      refused("the API server is closing the HTTP/2 connection (GOAWAY) and did not process this request");
    } else if (evt instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
      refused("the API server refused the HTTP/2 stream (REFUSED_STREAM) without processing the request");
    }
    ctx.fireUserEventTriggered(evt); // the tail releases the frames
  }

  private void refused(String how) {
    if (failure == null) {
      failure = new RefusedStream(how);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }
}
