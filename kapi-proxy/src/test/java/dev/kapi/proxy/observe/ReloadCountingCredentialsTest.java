package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.TokenFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadCountingCredentialsTest {

  @Test
  void countsEachChangeOfTheTokenButNotTheFirstLoadOrRepeats(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "one");
    ReloadCountingCredentials c = ReloadCountingCredentials.of(new TokenFile(token));
    assertThat(c.authorization()).contains("Bearer one");
    assertThat(c.authorization()).contains("Bearer one");
    assertThat(c.reloads()).isZero();

    Path next = dir.resolve("token.new");
    Files.writeString(next, "two");
    Files.move(next, token, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    assertThat(c.authorization()).contains("Bearer two");
    assertThat(c.authorization()).contains("Bearer two");
    assertThat(c.reloads()).isEqualTo(1);
    assertThat(ReloadCountingCredentials.of(c)).isSameAs(c);
    assertThat(c.describe()).doesNotContain("two");
  }
}
