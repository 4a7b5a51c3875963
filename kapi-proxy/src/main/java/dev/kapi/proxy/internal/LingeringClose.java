package dev.kapi.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client may still be sending, after an answer it got before its request was read
 * (503 at --max-connections, 413 for a body over the limit): close() with unread bytes in the socket makes the
 * kernel send a reset, and the client's kernel then drops the answer it had already received. As Go's server
 * does for kubectl proxy, the proxy half-closes, reads and discards what still arrives, and closes when the client
 * does or {@value #LINGER_MILLIS} ms later.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {

  static final long LINGER_MILLIS = 500;

  private LingeringClose() {
  }

  /** Once everything written so far is flushed. */
  static void afterFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> start(ch));
    }
  }

  private static void start(Channel ch) {
    if (!ch.isActive() || !(ch instanceof DuplexChannel duplex) || ch.pipeline().get(LingeringClose.class) != null) {
      ch.close();
      return;
    }
    ch.pipeline().addFirst("lingering-close", new LingeringClose()); // nothing more reaches the HTTP decoder
    ch.config().setAutoRead(true);
    duplex.shutdownOutput();
    ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close(); // the client has finished sending: nothing left to reset
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
