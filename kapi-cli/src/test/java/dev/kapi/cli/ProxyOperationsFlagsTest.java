package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations flags of {@code kapi proxy}: bad values are one-line usage errors, before anything starts. */
class ProxyOperationsFlagsTest {

  @Test
  void badOperationsFlagsAreOneLineUsageErrors(@TempDir Path home) {
    for (String[] bad : new String[][] {
        {"--max-inflight=-1", "--max-inflight must be >= 0"},
        {"--qps=-3", "--qps must be >= 0"},
        {"--burst=5", "--burst needs --qps"},
        {"--shutdown-grace=soon", "--shutdown-grace: invalid duration"},
        {"--log-level=loud", "--log-level must be error, warn, info, debug or trace"},
        {"--admin-address=9091", "--admin-address must be HOST:PORT or off"},
        {"--request-timeout=soon", "--request-timeout: not a duration"}}) {
      CliRun r = CliRun.run(Map.of(), home, "proxy", "--server=https://127.0.0.1:1", "--token=t", bad[0]);
      assertThat(r.exit()).as(bad[0]).isEqualTo(2);
      assertThat(r.err().strip()).as(bad[0]).contains(bad[1]).doesNotContain("\n");
    }
  }
}
