package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the relay receives from an API server connection: every body as content messages and then an empty end,
 * whether it came in one read or many, with its bytes unchanged and each buffer released once.
 */
class UniformContentTest {

  /** The messages the relay gets, and the buffers the socket read, to check that each is freed in the end. */
  private record Decoded(List<HttpObject> messages, List<ByteBuf> reads) {

    /** The body, read as the relay writes it on, each message released once as the relay's write does. */
    String body() {
      StringBuilder b = new StringBuilder();
      for (HttpObject m : messages) {
        if (m instanceof HttpContent c) {
          b.append(c.content().toString(StandardCharsets.ISO_8859_1));
          c.release();
        }
      }
      assertThat(reads).as("every buffer read from the socket freed").allSatisfy(r -> assertThat(r.refCnt()).isZero());
      return b.toString();
    }
  }

  /** The API server connection's inbound side as the connector builds it, fed with raw response bytes. */
  private static Decoded decode(String method, String... reads) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpClientCodec(), UniformContent.INSTANCE);
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/api"));
    ch.releaseOutbound();
    List<ByteBuf> in = new ArrayList<>();
    for (String r : reads) {
      ByteBuf b = Unpooled.copiedBuffer(r, StandardCharsets.ISO_8859_1);
      in.add(b);
      ch.writeInbound(b);
    }
    List<HttpObject> out = new ArrayList<>();
    for (Object m; (m = ch.readInbound()) != null; ) {
      out.add((HttpObject) m);
    }
    ch.finishAndReleaseAll();
    return new Decoded(out, in);
  }

  private static List<Class<?>> shapes(Decoded d) {
    return d.messages().stream().<Class<?>>map(m -> m instanceof HttpResponse ? HttpResponse.class
        : m == LastHttpContent.EMPTY_LAST_CONTENT ? LastHttpContent.class : m.getClass()).toList();
  }

  @Test
  void aBodyInOneReadArrivesAsContentThenTheEmptyEnd() {
    Decoded m = decode("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(shapes(m)).containsExactly(HttpResponse.class, DefaultHttpContent.class, LastHttpContent.class);
    assertThat(m.body()).isEqualTo("hello");
  }

  @Test
  void aBodyInManyReadsHasTheSameShape() {
    Decoded m = decode("GET", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhel", "lo wo", "rld");
    assertThat(shapes(m)).containsExactly(HttpResponse.class, DefaultHttpContent.class, DefaultHttpContent.class,
        DefaultHttpContent.class, LastHttpContent.class);
    assertThat(m.body()).isEqualTo("hello world");
  }

  @Test
  void aChunkedBodyIsUnchanged() {
    Decoded m = decode("GET",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assertThat(shapes(m)).containsExactly(HttpResponse.class, DefaultHttpContent.class, DefaultHttpContent.class,
        LastHttpContent.class);
    assertThat(m.body()).isEqualTo("abcde");
  }

  @Test
  void trailersStayOnTheirLastContent() {
    Decoded m = decode("GET",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n");
    LastHttpContent last = (LastHttpContent) m.messages().get(m.messages().size() - 1);
    assertThat(last.trailingHeaders().get("X-Trailer")).isEqualTo("t");
    assertThat(m.body()).isEqualTo("abc");
  }

  @Test
  void noBodyAndFailuresPassAsTheDecoderMadeThem() {
    assertThat(shapes(decode("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")))
        .containsExactly(HttpResponse.class, LastHttpContent.class);
    EmbeddedChannel ch = new EmbeddedChannel(UniformContent.INSTANCE);
    LastHttpContent failed = new DefaultLastHttpContent(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
    failed.setDecoderResult(DecoderResult.failure(new IllegalStateException("bad chunk")));
    ch.writeInbound(failed);
    assertThat((Object) ch.readInbound()).isSameAs(failed);
    failed.release();
    ch.finishAndReleaseAll();
  }
}
