package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A response that came over an HTTP/2 stream reaches the relay as the API server's HTTP/1.1 answer would: canonical
 * header names, none of the codec's own headers, a head and then the body, and a length on a bodiless answer.
 */
class Http2ResponseHeadTest {

  /** The stream's inbound side as {@link Http2Session} builds it, after a request with {@code method} went out. */
  private static List<HttpObject> receive(String method, Object... frames) {
    EmbeddedChannel ch = new EmbeddedChannel(new Http2StreamFrameToHttpObjectCodec(false, false),
        new Http2ResponseHead());
    ch.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/api"));
    ch.releaseOutbound();
    for (Object f : frames) {
      ch.writeInbound(f);
    }
    List<HttpObject> out = new ArrayList<>();
    for (Object m; (m = ch.readInbound()) != null; ) {
      out.add((HttpObject) m);
    }
    ch.finishAndReleaseAll();
    return out;
  }

  private static Http2Headers headers(String status) {
    return new DefaultHttp2Headers().status(status).add("content-type", "application/json")
        .add("audit-id", "a1").add("x-kubernetes-pf-flowschema-uid", "f1");
  }

  @Test
  void headerNamesReadAsGoWritesThem() {
    List<HttpObject> out = receive("GET", new DefaultHttp2HeadersFrame(headers("200").add("content-length", "2")),
        new DefaultHttp2DataFrame(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8), true));
    HttpResponse head = (HttpResponse) out.get(0);
    List<String> names = new ArrayList<>(head.headers().names());
    assertThat(names).contains("Content-Type", "Audit-Id", "X-Kubernetes-Pf-Flowschema-Uid", "Content-Length")
        .noneMatch(n -> n.toLowerCase().startsWith("x-http2"));
    assertThat(out.get(1)).isInstanceOf(HttpContent.class);
    assertThat(((HttpContent) out.get(1)).content().toString(StandardCharsets.UTF_8)).isEqualTo("{}");
    out.forEach(io.netty.util.ReferenceCountUtil::release);
  }

  @Test
  void aBodilessAnswerComesAsAHeadAndAnEndWithALength() {
    List<HttpObject> out = receive("DELETE", new DefaultHttp2HeadersFrame(headers("200"), true));
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isInstanceOf(HttpResponse.class).isNotInstanceOf(HttpContent.class);
    assertThat(((HttpResponse) out.get(0)).headers().get("Content-Length")).isEqualTo("0");
    assertThat(out.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  @Test
  void aHeadAnswerKeepsTheLengthItWasGiven() {
    List<HttpObject> head = receive("HEAD", new DefaultHttp2HeadersFrame(headers("200")
        .add("content-length", "1288"), true));
    assertThat(((HttpResponse) head.get(0)).headers().get("Content-Length")).isEqualTo("1288");
    List<HttpObject> bare = receive("HEAD", new DefaultHttp2HeadersFrame(headers("200"), true));
    assertThat(((HttpResponse) bare.get(0)).headers().contains("Content-Length")).isFalse();
  }

  @Test
  void aStreamedBodyStaysChunked() {
    List<HttpObject> out = receive("GET", new DefaultHttp2HeadersFrame(headers("200")),
        new DefaultHttp2DataFrame(Unpooled.copiedBuffer("{\"type\":\"ADDED\"}\n", StandardCharsets.UTF_8)));
    HttpResponse head = (HttpResponse) out.get(0);
    assertThat(head.headers().get("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(out.get(1)).isInstanceOf(HttpContent.class).isNotInstanceOf(LastHttpContent.class);
    out.forEach(io.netty.util.ReferenceCountUtil::release);
  }

  @Test
  void canonicalNamesAsGo() {
    assertThat(Http2ResponseHead.canonicalName("audit-id")).isEqualTo("Audit-Id");
    assertThat(Http2ResponseHead.canonicalName("www-authenticate")).isEqualTo("Www-Authenticate");
    assertThat(Http2ResponseHead.canonicalName("x-kubernetes-pf-prioritylevel-uid"))
        .isEqualTo("X-Kubernetes-Pf-Prioritylevel-Uid");
    assertThat(Http2ResponseHead.canonicalName("etag")).isEqualTo("Etag");
  }
}
