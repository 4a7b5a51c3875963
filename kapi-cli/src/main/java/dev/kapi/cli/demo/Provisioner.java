package dev.kapi.cli.demo;

import dev.kapi.testing.EnvtestBinaries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Gets kube-apiserver and etcd through scripts/envtest-binaries.sh, showing its progress as it goes. */
final class Provisioner {

  private Provisioner() {
  }

  static EnvtestBinaries provision(Path root, DemoConsole console) throws IOException, InterruptedException {
    Path script = root.resolve("scripts/envtest-binaries.sh");
    if (!Files.exists(script)) {
      throw new IOException("cannot find " + script + ": run ./kapi demo from the kapi repository");
    }
    Process p = new ProcessBuilder("bash", script.toString()).redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectErrorStream(false).start();
    Thread progress = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          console.status(line.replaceFirst("^envtest-binaries: ", ""));
        }
      } catch (IOException ignored) {
        // script ended
      }
    });
    progress.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int code = p.waitFor();
    progress.join();
    if (code != 0 || out.isEmpty()) {
      throw new IOException("could not provision kube-apiserver and etcd (scripts/envtest-binaries.sh exited " + code + ")");
    }
    String dir = out.lines().reduce((a, b) -> b).orElseThrow();
    return new EnvtestBinaries(Path.of(dir));
  }
}
