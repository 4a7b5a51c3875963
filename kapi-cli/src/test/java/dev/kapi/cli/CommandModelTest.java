package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command's picocli model, as users meet it: help on each subcommand, and no demo libraries needed. */
class CommandModelTest {

  @TempDir
  Path home;

  @ParameterizedTest
  @ValueSource(strings = {"get", "api-resources", "api-versions", "whoami", "version", "completion", "proxy", "demo"})
  void everySubcommandAnswersHelp(String command) {
    CliRun r = CliRun.run(Map.of(), home, command, "--help");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: kapi " + command);
  }

  /**
   * The image and the launcher leave the demo's control plane (kapi-testing, BouncyCastle) off the class path of
   * every command but {@code demo}; picocli reflects on all commands, so none of their signatures may name it.
   */
  @Test
  void commandsRunWithoutTheDemoLibraries() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!entry.contains("kapi-testing") && !name.startsWith("bcprov") && !name.startsWith("bcpkix")
          && !name.startsWith("bcutil")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader withoutDemo = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class<?> main = Class.forName("dev.kapi.cli.Main", true, withoutDemo);
      var run = main.getMethod("run", String[].class);
      assertThat(run.invoke(null, (Object) new String[] {"version"})).isEqualTo(0);
      assertThat(run.invoke(null, (Object) new String[] {"whoami", "--help"})).isEqualTo(0);
      assertThat(run.invoke(null, (Object) new String[] {"demo"})).as("a one-line error, not a stack trace").isEqualTo(1);
    }
  }
}
