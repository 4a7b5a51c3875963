package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Message boundaries in a server's WebSocket stream, however the bytes are split into reads. */
class WebSocketFramesTest {

  private static byte[] frame(boolean fin, int opcode, int length) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      f.write(length);
    } else if (length < 65536) {
      f.write(126);
      f.write(length >> 8);
      f.write(length & 0xff);
    } else {
      f.write(127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) length >> (8 * i)) & 0xff);
      }
    }
    f.writeBytes(new byte[length]);
    return f.toByteArray();
  }

  private static ByteBuf concat(byte[]... parts) {
    return Unpooled.wrappedBuffer(parts);
  }

  @Test
  void findsTheEndOfEachWholeMessageAcrossReadsOfAnySize() {
    byte[] stream = io.netty.buffer.ByteBufUtil.getBytes(concat(frame(true, 1, 10), frame(true, 2, 300), frame(true, 1, 70_000)));
    int[] ends = {12, 12 + 304, 12 + 304 + 70_010};
    for (int chunk : new int[] {1, 3, 7, 1000, stream.length}) {
      WebSocketFrames frames = new WebSocketFrames();
      int seen = 0;
      for (int off = 0; off < stream.length; off += chunk) {
        ByteBuf read = Unpooled.wrappedBuffer(stream, off, Math.min(chunk, stream.length - off));
        assertThat(frames.advance(read, false)).isEqualTo(-1);
        seen += read.readableBytes();
        boolean boundary = seen == ends[0] || seen == ends[1] || seen == ends[2];
        assertThat(frames.atMessageBoundary()).as("chunk %d after %d bytes", chunk, seen).isEqualTo(boundary);
      }
    }
  }

  @Test
  void stopsAtTheFirstBoundaryWhenAskedAndNeverInsideAFragmentedMessage() {
    // a message in two fragments with a ping between them, then a whole message
    ByteBuf read = concat(frame(false, 1, 5), frame(true, 9, 0), frame(true, 0, 5), frame(true, 1, 3));
    WebSocketFrames frames = new WebSocketFrames();
    assertThat(frames.advance(read, true)).isEqualTo(7 + 2 + 7);
    assertThat(frames.atMessageBoundary()).isTrue();
    assertThat(frames.advance(Unpooled.wrappedBuffer(frame(false, 2, 4)), true)).isEqualTo(-1);
    assertThat(frames.atMessageBoundary()).as("a fragment is open").isFalse();
  }
}
