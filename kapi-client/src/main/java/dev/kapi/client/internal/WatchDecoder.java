package dev.kapi.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.client.WatchEvent;
import dev.kapi.config.internal.JsonTrees;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JSON watch body: a sequence of {@code {"type":...,"object":...}} documents. The framing is the JSON
 * itself, parsed by Jackson's streaming parser straight off the socket stream: an event may span many HTTP
 * chunks and one chunk may hold many events; newlines mean nothing. Memory per event is bounded: an event larger
 * than {@code maxEventBytes} fails the stream rather than growing without end.
 */
public final class WatchDecoder implements Closeable {

  /** Larger than any object etcd stores (1.5 MiB request limit) even with JSON escaping. */
  public static final long DEFAULT_MAX_EVENT_BYTES = 16L << 20;

  private final BoundedPerEvent in;
  private final JsonFactory json;
  private JsonParser parser;

  public WatchDecoder(InputStream body, ObjectMapper json, long maxEventBytes) {
    this(body, json.getFactory(), maxEventBytes);
  }

  public WatchDecoder(InputStream body, JsonFactory json, long maxEventBytes) {
    this.in = new BoundedPerEvent(body, maxEventBytes);
    this.json = json;
  }

  /** The next event, or null when the stream ended cleanly between events. */
  public WatchEvent next() throws IOException {
    if (parser == null) {
      // created on first read: Jackson reads ahead to detect the encoding, which would block on a quiet watch
      parser = json.createParser(in);
    }
    JsonToken t = parser.nextToken();
    if (t == null) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IOException("watch stream: expected an event object, got " + t + " at byte " + offset());
    }
    JsonNode node = JsonTrees.read(parser);
    in.eventEnded(offset());
    String type = node.path("type").asText("");
    JsonNode object = node.get("object");
    if (!(object instanceof ObjectNode o)) {
      throw new IOException("watch stream: event without an object (type '" + type + "')");
    }
    try {
      return new WatchEvent(WatchEvent.Type.valueOf(type), o);
    } catch (IllegalArgumentException e) {
      throw new IOException("watch stream: unknown event type '" + type + "'");
    }
  }

  private long offset() {
    return parser.currentLocation().getByteOffset();
  }

  @Override
  public void close() throws IOException {
    if (parser != null) {
      parser.close();
    }
    in.close();
  }

  /** Counts bytes and fails once more than the limit have been read since the last event ended. */
  static final class BoundedPerEvent extends FilterInputStream {
    private final long max;
    private long read;
    private long eventStart;

    BoundedPerEvent(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    void eventEnded(long offset) {
      eventStart = offset;
    }

    private void count(long n) throws IOException {
      if (n > 0) {
        read += n;
        if (read - eventStart > max) {
          throw new IOException("watch stream: an event is larger than " + max + " bytes");
        }
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(n);
      return n;
    }
  }
}
