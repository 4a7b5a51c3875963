package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connection-level rules of an HTTP/2 session to the API server: client-go's liveness check (ping after 30 s
 * without a read, close when it is not answered within 15 s), the server's stream limit, and GOAWAY.
 */
class Http2SessionTest {

  private static EmbeddedChannel session() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    UpstreamPool pool = new UpstreamPool(ch.eventLoop(), null, 0);
    ch.pipeline().addLast(new Http2Session(pool));
    return ch;
  }

  private static Http2Session of(EmbeddedChannel ch) {
    return ch.pipeline().get(Http2Session.class);
  }

  @Test
  void aSilentConnectionIsPingedAndClosedWhenThePingGoesUnanswered() {
    EmbeddedChannel ch = session();
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    Http2PingFrame ping = ch.readOutbound();
    assertThat(ping).isNotNull();
    assertThat(ping.ack()).isFalse();
    ch.advanceTimeBy(Http2Session.PING_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("still waiting for the answer").isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("closed: every stream on it fails now instead of hanging").isFalse();
  }

  @Test
  void anAnsweredPingKeepsTheConnection() {
    EmbeddedChannel ch = session();
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    Http2PingFrame ping = ch.readOutbound();
    ch.writeInbound(new DefaultHttp2PingFrame(ping.content(), true));
    ch.advanceTimeBy(Http2Session.PING_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    assertThat((Object) ch.readOutbound()).as("pinged again at the next idle period").isInstanceOf(Http2PingFrame.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void theServersStreamLimitIsKept() {
    EmbeddedChannel ch = session();
    assertThat(of(ch).canOpenStream()).isTrue();
    ch.writeInbound(new DefaultHttp2SettingsFrame(new Http2Settings().maxConcurrentStreams(0)));
    assertThat(of(ch).canOpenStream()).isFalse();
    ch.writeInbound(new DefaultHttp2SettingsFrame(new Http2Settings().maxConcurrentStreams(250)));
    assertThat(of(ch).canOpenStream()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void afterGoAwayNoNewStreamsAndAnIdleConnectionCloses() {
    EmbeddedChannel ch = session();
    Http2Session session = of(ch);
    ch.writeInbound(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    assertThat(session.canOpenStream()).isFalse();
    assertThat(ch.isActive()).isFalse();
  }
}
