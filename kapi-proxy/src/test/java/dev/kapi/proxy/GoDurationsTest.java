package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({"0, 0", "0s, 0", "30s, 30000", "1m30s, 90000", "1.5h, 5400000", "300ms, 300", "-1s, -1000",
      "+2s, 2000", "1h0m0s, 3600000", ".5s, 500", "1us, 0"})
  void parsesGoDurations(String text, long millis) {
    assertThat(GoDurations.parse(text)).contains(Duration.ofMillis(millis).plusNanos(text.equals("1us") ? 1000 : 0));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"30", "s", "1x", "1..5s", "-", "''", "1s2", "one"})
  void rejectsWhatGoRejects(String text) {
    assertThat(GoDurations.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0, 0s", "30000, 30s", "90000, 1m30s", "3600000, 1h0m0s", "1500, 1.5s", "300, 300ms"})
  void formatsLikeGo(long millis, String text) {
    assertThat(GoDurations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
