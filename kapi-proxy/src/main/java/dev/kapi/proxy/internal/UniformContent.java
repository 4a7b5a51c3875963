package dev.kapi.proxy.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Hands the relay a response body as the same message types whatever its size. The decoder delivers a body that
 * fits one read as a single {@link LastHttpContent}, and a larger one as many {@link io.netty.handler.codec.http.HttpContent}s
 * and then a last one. C2 compiles the relay for the types it has seen: after minutes of small responses the first
 * large one fails its type checks and the whole relay, response path and encoder included, is thrown away and
 * compiled again, at the moment the large body needs the CPU (docs/benchmarks.md, "The large body"). Here a last
 * content that carries bytes becomes the bytes followed by the empty end, so everything after this handler sees
 * one shape: the type check lives in this small method, and its recompilation costs little.
 */
@Sharable
final class UniformContent extends ChannelInboundHandlerAdapter {

  static final UniformContent INSTANCE = new UniformContent();

  private UniformContent() {
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof LastHttpContent last && !(msg instanceof HttpResponse) && last.content().isReadable()
        && last.trailingHeaders().isEmpty() && last.decoderResult().isSuccess()) {
      ctx.fireChannelRead(new DefaultHttpContent(last.content())); // the same buffer: ownership moves with it
      ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
