package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.StaticToken;
import dev.kapi.proxy.ProxyConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Jazzer over the HTTP front end: arbitrary bytes, as one to three TCP reads, into the proxy's real client
 * pipeline ({@link ProxyChannels} on a Netty {@code EmbeddedChannel}); the API server is unreachable, so anything
 * that passes every check ends in the proxy's own 503. A normal {@code mvn test} replays the seeds in
 * {@code FrontendFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/security.md).
 *
 * <p>Properties: whatever arrives, the connection either waits for more bytes or answers — and everything it
 * wrote is a sequence of well-formed HTTP/1.1 responses, each complete; a connection is never dropped without an
 * answer while a request is pending (which is how an unhandled exception shows: the handler closes silently);
 * and once the header-read timeout has passed, nothing is left waiting.
 */
class FrontendFuzzTest {

  private static final ProxyConfig CONFIG = ProxyConfig.builder(ClusterConfig.builder()
      .server("http://127.0.0.1:1").credentials(new StaticToken("fuzz-token")).connectTimeout(Duration.ofMillis(1))
      .build()).port(0).build();
  private static final Transport NIO = new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
      NioSocketChannel.class, null);

  @FuzzTest(maxDuration = "30s")
  void answersWithWellFormedHttpOrWaitsNeverCrashes(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(new ProxyChannels(CONFIG, NIO, ch.eventLoop()));
    ch.pipeline().fireChannelActive();
    int cut1 = input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1);
    int cut2 = Math.max(cut1, input.length - (input.length == 0 ? 0 : (input[input.length - 1] & 0xff) % (input.length + 1)));
    for (int[] part : new int[][] {{0, cut1}, {cut1, cut2}, {cut2, input.length}}) {
      if (part[1] > part[0] && ch.isOpen()) {
        ch.writeInbound(Unpooled.wrappedBuffer(input, part[0], part[1] - part[0]));
        ch.runPendingTasks();
      }
    }
    ch.runPendingTasks();
    ch.checkException();
    java.util.Deque<Boolean> heads = heads(input);
    List<Integer> answered = responses(ch, heads);
    if (!ch.isOpen()) {
      assertThat(answered).as("closed without an answer").isNotEmpty();
    }

    ch.advanceTimeBy(31, TimeUnit.SECONDS); // past the default header-read timeout
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    ch.checkException();
    List<Integer> late = responses(ch, heads);
    assertThat(late).as("only a 408 is answered late").allMatch(code -> code == 408);
    assertThat(ch.isOpen()).as("nothing is left waiting after the header-read timeout").isFalse();
    releaseAll(ch.inboundMessages());
    ch.finishAndReleaseAll();
  }

  /**
   * For each request in the input, in order, as the proxy's own decoder splits it: whether it is a HEAD. A client
   * reads an answer to a HEAD without a body whatever its Content-Length says, so the parser must know which those
   * are (a pipelined HEAD's 400 had been read as taking the next answer as its body).
   */
  private static java.util.Deque<Boolean> heads(byte[] input) {
    EmbeddedChannel parse = new EmbeddedChannel(new FrontendCodec.RequestDecoder(CONFIG.limits()));
    parse.writeInbound(Unpooled.wrappedBuffer(input));
    java.util.Deque<Boolean> heads = new java.util.ArrayDeque<>();
    Object msg;
    while ((msg = parse.readInbound()) != null) {
      if (msg instanceof io.netty.handler.codec.http.HttpRequest r) {
        heads.add(io.netty.handler.codec.http.HttpMethod.HEAD.equals(r.method()));
      }
      ReferenceCountUtil.release(msg);
    }
    parse.finishAndReleaseAll();
    return heads;
  }

  /** Status codes of the complete responses written so far; fails on anything that is not well-formed HTTP. */
  private static List<Integer> responses(EmbeddedChannel ch, java.util.Deque<Boolean> heads) {
    EmbeddedChannel parse = new EmbeddedChannel(new HttpResponseDecoder() {
      @Override
      protected boolean isContentAlwaysEmpty(io.netty.handler.codec.http.HttpMessage msg) {
        boolean final_ = msg instanceof HttpResponse r && r.status().code() >= 200;
        boolean head = final_ && Boolean.TRUE.equals(heads.poll());
        return head || super.isContentAlwaysEmpty(msg);
      }
    });
    Object out;
    while ((out = ch.readOutbound()) != null) {
      if (out instanceof ByteBuf b) {
        parse.writeInbound(b);
      } else {
        ReferenceCountUtil.release(out);
        throw new AssertionError("the pipeline wrote a " + out.getClass().getSimpleName() + ", not bytes");
      }
    }
    List<Integer> codes = new ArrayList<>();
    boolean open = false;
    Object msg;
    while ((msg = parse.readInbound()) != null) {
      try {
        HttpObject o = (HttpObject) msg;
        assertThat(o.decoderResult().isSuccess()).as("well-formed response: %s", o.decoderResult()).isTrue();
        if (o instanceof HttpResponse r) {
          assertThat(open).as("a response started before the previous one ended").isFalse();
          int code = r.status().code();
          assertThat(code).isBetween(100, 599);
          open = code >= 200;
          if (open) {
            codes.add(code);
          }
        }
        if (o instanceof LastHttpContent && o instanceof HttpContent) {
          open = false;
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
    parse.finishAndReleaseAll();
    assertThat(open).as("a response left incomplete").isFalse();
    return codes;
  }

  private static void releaseAll(java.util.Queue<Object> q) {
    Object o;
    while ((o = q.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
