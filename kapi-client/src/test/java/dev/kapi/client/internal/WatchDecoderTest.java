package dev.kapi.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.client.WatchEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WatchDecoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Hands out the bytes in pieces of the given sizes, as HTTP chunks would arrive off the socket. */
  static final class Chunked extends InputStream {
    private final byte[] data;
    private final int[] sizes;
    private int pos;
    private int chunk;
    private int leftInChunk;

    Chunked(String text, int... sizes) {
      this.data = text.getBytes(StandardCharsets.UTF_8);
      this.sizes = sizes;
      this.leftInChunk = sizes[0];
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      if (leftInChunk == 0) {
        chunk++;
        leftInChunk = sizes[chunk % sizes.length];
      }
      int n = Math.min(Math.min(len, leftInChunk), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      leftInChunk -= n;
      return n;
    }
  }

  static String event(String type, String name, int rv) {
    return "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"text\":\"a } tricky { \\\"string\\\"\\n\"}}}";
  }

  static List<WatchEvent> decodeAll(InputStream in) throws IOException {
    WatchDecoder d = new WatchDecoder(in, JSON, WatchDecoder.DEFAULT_MAX_EVENT_BYTES);
    List<WatchEvent> out = new ArrayList<>();
    for (WatchEvent e = d.next(); e != null; e = d.next()) {
      out.add(e);
    }
    return out;
  }

  @Test
  void eventsSplitAcrossArbitraryChunkBoundariesDecodeWhole() throws IOException {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      body.append(event(i % 3 == 0 ? "ADDED" : "MODIFIED", "cm-" + i, 100 + i)).append('\n');
    }
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int[] sizes = random.ints(16, 1, 300).toArray();
      List<WatchEvent> events = decodeAll(new Chunked(body.toString(), sizes));
      assertThat(events).hasSize(50);
      assertThat(events.get(49).name()).isEqualTo("cm-49");
      assertThat(events.get(49).resourceVersion()).isEqualTo("149");
      assertThat(events.get(7).object().at("/data/text").asText()).isEqualTo("a } tricky { \"string\"\n");
    }
  }

  @Test
  void oneByteChunksAndManyEventsPerChunkBothWork() throws IOException {
    String body = event("ADDED", "a", 1) + event("DELETED", "a", 2) + "\n\n" + event("BOOKMARK", "", 3);
    assertThat(decodeAll(new Chunked(body, 1))).extracting(WatchEvent::type)
        .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.DELETED, WatchEvent.Type.BOOKMARK);
    assertThat(decodeAll(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))).hasSize(3);
  }

  @Test
  void prettyPrintedEventsWithNewlinesInsideAreOneEventEach() throws IOException {
    String body = "{\n  \"type\": \"ADDED\",\n  \"object\": {\n    \"metadata\": {\"name\": \"x\"}\n  }\n}\n{\"type\":\"ERROR\",\"object\":"
        + "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version: 1 (5)\"}}";
    List<WatchEvent> events = decodeAll(new Chunked(body, 7, 3));
    assertThat(events).extracting(WatchEvent::type).containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.ERROR);
    assertThat(events.get(1).object().path("code").asInt()).isEqualTo(410);
  }

  @Test
  void aStreamCutInsideAnEventFailsInsteadOfInventingOne() {
    String body = event("ADDED", "a", 1) + event("MODIFIED", "a", 2).substring(0, 40);
    assertThatThrownBy(() -> decodeAll(new Chunked(body, 13))).isInstanceOf(IOException.class);
  }

  @Test
  void anEventLargerThanTheLimitFailsTheStream() {
    String big = "{\"type\":\"ADDED\",\"object\":{\"data\":{\"x\":\"" + "y".repeat(200_000) + "\"}}}";
    String body = event("ADDED", "small", 1) + big;
    assertThatThrownBy(() -> {
      WatchDecoder d = new WatchDecoder(new Chunked(body, 4096), JSON, 100_000);
      assertThat(d.next().name()).isEqualTo("small");
      d.next();
    }).isInstanceOf(IOException.class).hasMessageContaining("larger than 100000 bytes");
  }

  @Test
  void manySmallEventsNeverTripTheLimitBecauseItIsPerEvent() throws IOException {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      body.append(event("MODIFIED", "n" + i, i));
    }
    WatchDecoder d = new WatchDecoder(new Chunked(body.toString(), 8192), JSON, 20_000);
    int n = 0;
    while (d.next() != null) {
      n++;
    }
    assertThat(n).isEqualTo(2000);
  }

  @Test
  void unknownEventTypesAndNonObjectsAreErrors() {
    assertThatThrownBy(() -> decodeAll(new Chunked("{\"type\":\"SOMETHING\",\"object\":{}}", 5)))
        .hasMessageContaining("unknown event type 'SOMETHING'");
    assertThatThrownBy(() -> decodeAll(new Chunked("[1,2]", 5))).hasMessageContaining("expected an event object");
  }
}
