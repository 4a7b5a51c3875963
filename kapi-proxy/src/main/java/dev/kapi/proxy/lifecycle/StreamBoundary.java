package dev.kapi.proxy.lifecycle;

import io.netty.buffer.ByteBuf;
import java.util.Locale;

/**
 * Knows whether a streamed response body is between two events, so that a watch can be ended on shutdown
 * without cutting an event in half: the client then sees a clean end of stream after a whole event and simply
 * re-watches (client-go's reflector does), instead of a decode error.
 *
 * <ul>
 *   <li>JSON watches ({@code application/json}), {@code log?follow} and other text: events end with {@code \n}.
 *   <li>Protobuf watches ({@code application/vnd.kubernetes.protobuf;stream=watch}): each frame is a 4-byte
 *       big-endian length and that many bytes.
 *   <li>A {@code Content-Encoding} (gzip) body has no boundary we can end at without breaking the encoding;
 *       such a stream is only closed when the grace period ends.
 * </ul>
 * Feed it every body buffer in order, before or after writing it; it reads without consuming.
 */
public abstract sealed class StreamBoundary {

  /** Picks the framing from the response's {@code Content-Type} and {@code Content-Encoding} (either may be null). */
  public static StreamBoundary of(String contentType, String contentEncoding) {
    if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.equalsIgnoreCase("identity")) {
      return new Never();
    }
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (ct.startsWith("application/vnd.kubernetes.protobuf")) {
      return new LengthPrefixed();
    }
    return new NewlineDelimited();
  }

  public abstract void feed(ByteBuf body);

  /** True when everything fed so far is whole events (also before the first byte). */
  public abstract boolean atBoundary();

  static final class NewlineDelimited extends StreamBoundary {
    private boolean boundary = true;

    @Override
    public void feed(ByteBuf body) {
      if (body.isReadable()) {
        boundary = body.getByte(body.writerIndex() - 1) == '\n';
      }
    }

    @Override
    public boolean atBoundary() {
      return boundary;
    }
  }

  static final class LengthPrefixed extends StreamBoundary {
    private int headerBytes;
    private long length;
    private long remaining;

    @Override
    public void feed(ByteBuf body) {
      for (int i = body.readerIndex(); i < body.writerIndex(); ) {
        if (remaining > 0) {
          int skip = (int) Math.min(remaining, body.writerIndex() - i);
          remaining -= skip;
          i += skip;
          continue;
        }
        length = (length << 8) | (body.getByte(i++) & 0xff);
        if (++headerBytes == 4) {
          remaining = length;
          headerBytes = 0;
          length = 0;
        }
      }
    }

    @Override
    public boolean atBoundary() {
      return headerBytes == 0 && remaining == 0;
    }
  }

  static final class Never extends StreamBoundary {
    private boolean started;

    @Override
    public void feed(ByteBuf body) {
      started |= body.isReadable();
    }

    @Override
    public boolean atBoundary() {
      return !started;
    }
  }
}
