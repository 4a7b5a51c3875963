package dev.kapi.client.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.client.WatchEvent;
import dev.kapi.client.internal.WatchDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Jazzer over the watch-event decoder: a watch body is whatever bytes the network (or a proxy) delivers. Each
 * input is one body; a normal {@code mvn test} replays the seeds in {@code WatchDecoderFuzzTestInputs/}, and
 * {@code JAZZER_FUZZ=1} fuzzes (docs/security.md). Properties: the decoder either yields well-formed events or
 * fails with an {@link IOException} — never another exception, never a hang — and no event exceeds the per-event
 * byte limit it was given.
 */
class WatchDecoderFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EVENT_BYTES = 4096;

  @FuzzTest(maxDuration = "30s")
  void yieldsWellFormedEventsOrATypedError(byte[] body) {
    int events = 0;
    try (WatchDecoder decoder = new WatchDecoder(new ByteArrayInputStream(body), JSON, MAX_EVENT_BYTES)) {
      WatchEvent e;
      while ((e = decoder.next()) != null) {
        events++;
        assertThat(e.type()).isNotNull();
        assertThat(e.object()).isNotNull();
        e.resourceVersion();
        e.name();
        e.namespace();
        assertThat(events).as("no more events than bytes").isLessThanOrEqualTo(body.length);
      }
    } catch (IOException expected) {
      assertThat(expected.getMessage()).isNotNull();
    }
  }
}
