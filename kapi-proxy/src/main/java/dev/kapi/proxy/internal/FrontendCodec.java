package dev.kapi.proxy.internal;

import dev.kapi.proxy.Limits;
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

  /**
   * The decoder's own limits come from {@code --max-request-target-bytes} (plus room for the method and version;
   * {@link RequestLimits} checks the target itself exactly) and {@code --max-header-bytes}.
   */
  static HttpDecoderConfig decoderConfig(Limits limits) {
    return new HttpDecoderConfig().setMaxInitialLineLength(limits.maxRequestTargetBytes() + 64)
        .setMaxHeaderSize(limits.maxHeaderBytes()).setMaxChunkSize(64 * 1024);
  }

  static final class RequestDecoder extends HttpRequestDecoder {
    private boolean passThrough;

    RequestDecoder() {
      this(Limits.DEFAULTS);
    }

    RequestDecoder(Limits limits) {
      super(decoderConfig(limits));
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
