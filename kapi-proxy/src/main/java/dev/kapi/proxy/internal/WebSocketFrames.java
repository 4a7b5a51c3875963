package dev.kapi.proxy.internal;

import io.netty.buffer.ByteBuf;

/**
 * Where the API server's WebSocket frames end in a tunnelled watch, read from the bytes as they pass (RFC 6455
 * §5.2 headers only; payloads are skipped, never copied), so that a graceful shutdown can end the watch between two
 * events with a close frame instead of cutting one in half.
 */
final class WebSocketFrames {

  /** Close, 1001 "going away": the server is shutting down and the client should watch again elsewhere. */
  static final byte[] GOING_AWAY = {(byte) 0x88, 0x02, 0x03, (byte) 0xE9};

  private final byte[] header = new byte[14];
  private int headerHave;
  private long payloadLeft;
  private boolean messageOpen; // a data frame without FIN was seen: its continuation frames are still to come

  /** True between two whole messages: nothing of a frame is in flight and no fragmented message is open. */
  boolean atMessageBoundary() {
    return headerHave == 0 && payloadLeft == 0 && !messageOpen;
  }

  /**
   * Follows the frames through {@code b}'s readable bytes (its indexes unchanged).
   *
   * @param stopAtBoundary stop at the first message boundary reached inside {@code b}
   * @return how many bytes from the reader index up to that boundary, or -1 when none was reached (or not asked)
   */
  int advance(ByteBuf b, boolean stopAtBoundary) {
    int i = b.readerIndex();
    int end = b.writerIndex();
    while (i < end) {
      if (payloadLeft > 0) {
        int skip = (int) Math.min(payloadLeft, end - i);
        i += skip;
        payloadLeft -= skip;
        if (payloadLeft == 0 && frameEnded() && stopAtBoundary) {
          return i - b.readerIndex();
        }
        continue;
      }
      header[headerHave++] = b.getByte(i++);
      if (headerHave >= 2 && headerHave == headerLength()) {
        payloadLeft = payloadLength();
        if (payloadLeft == 0 && frameEnded() && stopAtBoundary) {
          return i - b.readerIndex();
        }
      }
    }
    return -1;
  }

  private int headerLength() {
    int len7 = header[1] & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
  }

  private long payloadLength() {
    int len7 = header[1] & 0x7f;
    if (len7 < 126) {
      return len7;
    }
    long n = 0;
    for (int k = 2; k < (len7 == 126 ? 4 : 10); k++) {
      n = (n << 8) | (header[k] & 0xff);
    }
    return n;
  }

  /** The frame whose header is in {@code header} is complete; true if that leaves a message boundary. */
  private boolean frameEnded() {
    int opcode = header[0] & 0x0f;
    if (opcode < 0x8) { // text, binary or continuation: control frames do not end or open messages
      messageOpen = (header[0] & 0x80) == 0;
    }
    headerHave = 0;
    return !messageOpen;
  }
}
