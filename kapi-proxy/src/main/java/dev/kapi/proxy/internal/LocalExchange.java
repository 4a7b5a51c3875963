package dev.kapi.proxy.internal;

import dev.kapi.proxy.observe.ObservedExchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/** A response the proxy makes itself (a Status, a static file): written at once; the request body is dropped. */
final class LocalExchange implements Exchange {

  private final FrontendHandler front;
  private final ChannelHandlerContext ctx;
  private final boolean keepAlive;
  private final ObservedExchange seen;
  private boolean sent;
  private boolean requestComplete;

  LocalExchange(FrontendHandler front, ChannelHandlerContext ctx, boolean keepAlive, ObservedExchange seen) {
    this.front = front;
    this.ctx = ctx;
    this.keepAlive = keepAlive;
    this.seen = seen;
  }

  /** Writes the response parts (a head first) and flushes. */
  void send(List<Object> parts) {
    for (Object part : parts) {
      if (part instanceof HttpResponse r) {
        if (!keepAlive || front.draining()) {
          FrontendHandler.markClose(r);
        }
        seen.responseStarted(r.status().code(), "");
      }
      if (part instanceof HttpContent c) {
        seen.toClient(c.content().readableBytes());
      }
      ctx.write(part, ctx.voidPromise());
    }
    seen.completed(); // before the flush: a client that reads the answer finds it counted
    ctx.flush();
    sent = true;
    if (!keepAlive || requestComplete) {
      front.finished(this, keepAlive);
    }
  }

  @Override
  public void clientContent(HttpContent content) {
    content.release();
    if (content instanceof LastHttpContent) {
      requestComplete = true;
      if (sent) {
        front.finished(this, keepAlive);
      }
    }
  }

  @Override
  public void clientBytes(ByteBuf bytes) {
    bytes.release();
  }

  @Override
  public void clientReadComplete() {
  }

  @Override
  public void clientWritabilityChanged() {
  }

  @Override
  public void clientClosed() {
    seen.aborted("client closed the connection before the answer"); // ignored once completed
  }
}
