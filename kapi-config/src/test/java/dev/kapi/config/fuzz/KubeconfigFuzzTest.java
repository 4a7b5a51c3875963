package dev.kapi.config.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigException;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Jazzer over kubeconfig loading through the public API: each input is the bytes of a kubeconfig file handed to
 * {@code --kubeconfig}. A normal {@code mvn test} replays the seeds in {@code KubeconfigFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/security.md). Property: whatever the file holds — broken YAML, alias bombs,
 * wrong types, garbage base64 or PEM — loading either yields a config or fails with a {@link ConfigException}
 * naming the file; nothing else escapes. Credentials are built but never asked for a header, so no exec plugin
 * a mutated input might name is ever run.
 */
class KubeconfigFuzzTest {

  private static Path dir;

  @BeforeAll
  static void scratch() throws IOException {
    dir = Files.createTempDirectory("kapi-kubeconfig-fuzz");
  }

  @AfterAll
  static void clean() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "30s")
  void loadsOrFailsWithAConfigException(byte[] kubeconfig) {
    Path file = dir.resolve("config");
    try {
      Files.write(file, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // no in-cluster variables, an empty home: the named file is the only source
    ConfigLoader loader = new ConfigLoader(Map.of(), dir);
    try {
      ClusterConfig config = loader.load(ConfigFlags.builder().kubeconfig(file).build());
      config.server();
      config.credentials().describe();
      config.tls().trustManager();
      config.tls().keyManager();
    } catch (ConfigException expected) {
      if (expected.getMessage() == null || expected.getMessage().isBlank()) {
        throw new AssertionError("a ConfigException without a message", expected);
      }
    }
  }
}
