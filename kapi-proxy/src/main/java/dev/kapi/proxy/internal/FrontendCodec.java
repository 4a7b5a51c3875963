package dev.kapi.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;

/**
 * The client side's HTTP/1.1 codec: Netty's decoder and encoder with the two things a proxy needs that
 * {@code HttpServerCodec} does not do. After an upgrade request the decoder stops parsing and passes bytes through
 * untouched, so anything a client sends right behind the handshake reaches the tunnel instead of being parsed as
 * HTTP. The encoder is told whether the current response answers a HEAD (a relayed HEAD response may say
 * {@code Transfer-Encoding: chunked} yet has no body).
 */
final class FrontendCodec {

  private FrontendCodec() {
  }

  static HttpDecoderConfig decoderConfig() {
    // Go's http.Server allows 1 MB of request line + headers; API requests with long label selectors need room.
    return new HttpDecoderConfig().setMaxInitialLineLength(64 * 1024).setMaxHeaderSize(1024 * 1024)
        .setMaxChunkSize(64 * 1024);
  }

  static final class RequestDecoder extends HttpRequestDecoder {
    private boolean passThrough;

    RequestDecoder() {
      super(decoderConfig());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      if (passThrough) {
        if (buffer.isReadable()) {
          out.add(buffer.readRetainedSlice(buffer.readableBytes()));
        }
        return;
      }
      int before = out.size();
      super.decode(ctx, buffer, out);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest r && r.decoderResult().isSuccess()
            && ExchangeKind.isUpgrade(r.headers())) {
          passThrough = true;
        }
      }
    }

    /** Both Transfer-Encoding and Content-Length: a smuggling attempt or a broken client; finish and close. */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      super.handleTransferEncodingChunkedWithContentLength(message);
      message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  static final class ResponseEncoder extends HttpResponseEncoder {
    private boolean headRequest;

    void respondingToHead(boolean head) {
      headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      return headRequest || super.isContentAlwaysEmpty(msg);
    }
  }
}
