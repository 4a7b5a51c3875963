package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * podman as kapi's tests run it: the runc runtime and a containers.conf without default ulimits (as root, podman
 * raises the open-files limit, which this sandbox refuses), the same settings scripts/image.sh uses, and the
 * images that script builds.
 */
final class Podman {

  /** The ambassador image (deploy/Dockerfile) and the seed's `main` curl image (deploy/main-curl). */
  record Images(String ambassador, String curl) {}

  private final Path workDir;
  private final Map<String, String> env;
  private final String runtime;

  private Podman(Path workDir, Map<String, String> env, String runtime) {
    this.workDir = workDir;
    this.env = env;
    this.runtime = runtime;
  }

  /**
   * podman, or a failure under CI=true (CI provisions it: .ci/provision.d/10-image.sh). Elsewhere a machine
   * without podman skips with one line saying how to get it, like the real-API-server harness does.
   */
  static Podman require() {
    if (!ExternalCommand.onPath("podman")) {
      String how = "podman is not installed (Debian: apt-get install podman runc catatonit debootstrap; "
          + "then scripts/image.sh)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + how);
      }
      throw new TestAbortedException("skipped: " + how);
    }
    try {
      Path workDir = Files.createDirectories(Path.of("target", "podman").toAbsolutePath());
      Map<String, String> env = new java.util.HashMap<>();
      if (System.getenv("CONTAINERS_CONF") == null) {
        Path conf = workDir.resolve("containers.conf");
        Files.writeString(conf, "[containers]\ndefault_ulimits = []\n");
        env.put("CONTAINERS_CONF", conf.toString());
      }
      return new Podman(workDir, Map.copyOf(env), System.getenv().getOrDefault("KAPI_PODMAN_RUNTIME", "runc"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The images: KAPI_IMAGE / KAPI_CURL_IMAGE (default localhost/kapi:dev, localhost/kapi-curl:dev) when podman has
   * them, else whatever scripts/image.sh builds and names on its last lines. CI builds them before the tests.
   */
  Images images() {
    String ambassador = System.getenv().getOrDefault("KAPI_IMAGE", "localhost/kapi:dev");
    String curl = System.getenv().getOrDefault("KAPI_CURL_IMAGE", "localhost/kapi-curl:dev");
    if (exists(ambassador) && exists(curl)) {
      return new Images(ambassador, curl);
    }
    ExternalCommand.Result built = ExternalCommand.of("bash", Manifests.repoRoot().resolve("scripts/image.sh").toString())
        .env(env).timeout(Duration.ofMinutes(20)).run();
    assertThat(built.succeeded()).as("scripts/image.sh: " + built.describe()).isTrue();
    String builtAmbassador = null;
    String builtCurl = null;
    for (String line : built.stdout().split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && words[0].equals("image")) {
        builtAmbassador = words[1];
      } else if (words.length >= 2 && words[0].equals("curl-image")) {
        builtCurl = words[1];
      }
    }
    assertThat(builtAmbassador).as("image name printed by scripts/image.sh: " + built.stdout()).isNotNull();
    assertThat(builtCurl).as("curl image name printed by scripts/image.sh: " + built.stdout()).isNotNull();
    return new Images(builtAmbassador, builtCurl);
  }

  ExternalCommand.Result run(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", runtime));
    cmd.addAll(List.of(args));
    // kube play looks for a build context named after each image in its working directory: run it elsewhere.
    return ExternalCommand.of(cmd).in(workDir).env(env).timeout(timeout).run();
  }

  private boolean exists(String image) {
    return run(Duration.ofSeconds(30), "image", "exists", image).succeeded();
  }

  /** {@code podman kube play} of a Pod; closing the result removes the pod and its containers. */
  PlayedPod play(String name, String podYaml) {
    try {
      Path file = workDir.resolve(name + ".yaml");
      Files.writeString(file, podYaml);
      run(Duration.ofSeconds(60), "pod", "rm", "--force", "--time", "0", name);
      ExternalCommand.Result r = run(Duration.ofMinutes(2), "kube", "play", file.toString());
      PlayedPod pod = new PlayedPod(name);
      if (!r.succeeded()) {
        pod.close();
        throw new AssertionError("podman kube play " + file + ": " + r.describe());
      }
      return pod;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running pod: exec into its containers (named {@code <pod>-<container>} by kube play), read their logs. */
  final class PlayedPod implements AutoCloseable {
    private final String name;

    private PlayedPod(String name) {
      this.name = name;
    }

    ExternalCommand.Result exec(String container, String... command) {
      List<String> args = new ArrayList<>(List.of("exec", name + "-" + container));
      args.addAll(List.of(command));
      return run(Duration.ofSeconds(60), args.toArray(String[]::new));
    }

    String logs(String container) {
      ExternalCommand.Result r = run(Duration.ofSeconds(30), "logs", name + "-" + container);
      return r.stdout() + r.stderr();
    }

    String state(String container) {
      return run(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Status}} exit={{.State.ExitCode}}",
          name + "-" + container).stdout().trim();
    }

    @Override
    public void close() {
      run(Duration.ofSeconds(60), "pod", "rm", "--force", "--time", "0", name);
    }
  }
}
