package dev.kapi.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.Map;

/**
 * On an HTTP/2 stream, after the frame-to-HTTP-object codec: makes a response read as the API server's HTTP/1.1
 * answer would: header names in canonical case, without the codec's own {@code x-http2-stream-id}; a response that
 * ended with its headers as a head and then an end, never as one message; and a length on such a response (for the
 * client's HTTP/1.1, no length would mean "until the connection closes"; not for HEAD, whose length is the GET's).
 */
final class Http2ResponseHead extends ChannelDuplexHandler {

  private static final String STREAM_ID = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();

  private boolean head;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest r) {
      head = HttpMethod.HEAD.equals(r.method());
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpResponse r)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpHeaders headers = canonical(r.headers());
    int code = r.status().code();
    if (!(msg instanceof FullHttpResponse full)) {
      ctx.fireChannelRead(new DefaultHttpResponse(r.protocolVersion(), r.status(), headers));
      return;
    }
    if (!head && code >= 200 && code != 204 && code != 304 && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, full.content().readableBytes());
    }
    // the head, then the body: the shapes an HTTP/1.1 connection delivers (one message written twice would be
    // released twice)
    ctx.fireChannelRead(new DefaultHttpResponse(r.protocolVersion(), r.status(), headers));
    ByteBuf body = full.content();
    if (body.isReadable()) {
      ctx.fireChannelRead(new DefaultLastHttpContent(body));
    } else {
      body.release();
      ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  /**
   * HTTP/2 header names are lower case; the API server's HTTP/1.1 answers, and kubectl proxy's (Go writes every name
   * in canonical form), read {@code Audit-Id}, {@code Content-Type}. Clients that match names case-sensitively,
   * against the HTTP specification but common in scripts, see the same either way. The stream-id header the codec
   * adds is dropped.
   */
  private static HttpHeaders canonical(HttpHeaders in) {
    HttpHeaders out = new DefaultHttpHeaders(false);
    for (Map.Entry<String, String> e : in) {
      String name = e.getKey();
      if (!STREAM_ID.equals(name)) {
        out.add(canonicalName(name), e.getValue());
      }
    }
    return out;
  }

  static String canonicalName(String name) {
    char[] c = name.toCharArray();
    boolean upper = true;
    for (int i = 0; i < c.length; i++) {
      char ch = c[i];
      if (upper && ch >= 'a' && ch <= 'z') {
        c[i] = (char) (ch - ('a' - 'A'));
      } else if (!upper && ch >= 'A' && ch <= 'Z') {
        c[i] = (char) (ch + ('a' - 'A'));
      }
      upper = ch == '-';
    }
    return new String(c);
  }
}
