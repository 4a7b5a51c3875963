package dev.kapi.proxy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamBoundaryTest {

  @Test
  void jsonWatchIsAtABoundaryAfterEachNewline() {
    StreamBoundary b = StreamBoundary.of("application/json", null);
    assertThat(b.atBoundary()).isTrue();
    b.feed(Unpooled.copiedBuffer("{\"type\":\"ADDED\",", StandardCharsets.UTF_8));
    assertThat(b.atBoundary()).isFalse();
    b.feed(Unpooled.copiedBuffer("\"object\":{}}\n", StandardCharsets.UTF_8));
    assertThat(b.atBoundary()).isTrue();
    b.feed(Unpooled.EMPTY_BUFFER);
    assertThat(b.atBoundary()).isTrue();
  }

  @Test
  void protobufWatchFollowsTheLengthPrefixedFramesAcrossBuffers() {
    StreamBoundary b = StreamBoundary.of("application/vnd.kubernetes.protobuf;stream=watch", "");
    byte[] frame = {0, 0, 0, 3, 'a', 'b', 'c'};
    byte[] big = new byte[4 + 300];
    big[2] = 1;
    big[3] = 44; // 300
    b.feed(Unpooled.wrappedBuffer(frame, 0, 2));
    assertThat(b.atBoundary()).isFalse();
    b.feed(Unpooled.wrappedBuffer(frame, 2, 5));
    assertThat(b.atBoundary()).isTrue();
    b.feed(Unpooled.wrappedBuffer(big, 0, 100));
    assertThat(b.atBoundary()).isFalse();
    b.feed(Unpooled.wrappedBuffer(big, 100, 204));
    assertThat(b.atBoundary()).isTrue();
    byte[] two = {0, 0, 0, 1, 'x', 0, 0, 0, 2, 'y'};
    b.feed(Unpooled.wrappedBuffer(two));
    assertThat(b.atBoundary()).isFalse();
    b.feed(Unpooled.wrappedBuffer(new byte[] {'z'}));
    assertThat(b.atBoundary()).isTrue();
  }

  @Test
  void anEncodedStreamHasNoBoundaryOnceStarted() {
    StreamBoundary b = StreamBoundary.of("application/json", "gzip");
    assertThat(b.atBoundary()).isTrue();
    b.feed(Unpooled.wrappedBuffer(new byte[] {0x1f, (byte) 0x8b, '\n'}));
    assertThat(b.atBoundary()).isFalse();
  }
}
