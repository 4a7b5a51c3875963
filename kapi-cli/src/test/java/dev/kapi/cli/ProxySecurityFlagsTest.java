package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security flags of {@code kapi proxy}: bad values are one-line usage errors, before anything starts. */
class ProxySecurityFlagsTest {

  @Test
  void badPolicyFilesAndLimitsAreOneLineUsageErrors(@TempDir Path home) throws Exception {
    Path broken = home.resolve("broken.yaml");
    Files.writeString(broken, "rules: [{apiGroups: [''], resources: [pods]}]\n");
    for (String[] bad : new String[][] {
        {"--policy=" + home.resolve("missing.yaml"), "cannot be read"},
        {"--policy=" + broken, "rules[0] has no verbs"},
        {"--max-connections=0", "--max-connections must be positive"},
        {"--max-header-bytes=-1", "--max-header-bytes must be positive"},
        {"--header-read-timeout=soon", "--header-read-timeout: invalid duration"}}) {
      CliRun r = CliRun.run(Map.of(), home, "proxy", "--server=https://127.0.0.1:1", "--token=t", bad[0]);
      assertThat(r.exit()).as(bad[0]).isEqualTo(2);
      assertThat(r.err().strip()).as(bad[0]).contains(bad[1]).doesNotContain("\n");
    }
  }
}
