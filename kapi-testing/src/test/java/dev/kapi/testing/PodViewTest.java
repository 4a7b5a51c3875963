package dev.kapi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodViewTest {

  @Test
  void filesAreSymlinksThroughDataLikeTheKubeletsProjectedVolume(@TempDir Path dir) throws Exception {
    PodView pod = new PodView(dir.resolve("sa"), "127.0.0.1", 6443, "tok-1", "CA", "ns1");

    assertThat(Files.readSymbolicLink(pod.tokenFile())).isEqualTo(Path.of("..data", "token"));
    assertThat(Files.isSymbolicLink(pod.directory().resolve("..data"))).isTrue();
    assertThat(Files.readString(pod.tokenFile())).isEqualTo("tok-1");
    assertThat(Files.readString(pod.directory().resolve("namespace"))).isEqualTo("ns1");
    assertThat(Files.readString(pod.caFile())).isEqualTo("CA");
  }

  @Test
  void rotationSwapsDataAndRemovesTheOldGeneration(@TempDir Path dir) throws Exception {
    PodView pod = new PodView(dir.resolve("sa"), "127.0.0.1", 6443, "tok-1", "CA", "ns1");
    Path before = Files.readSymbolicLink(pod.directory().resolve("..data"));

    pod.rotateToken("tok-2");

    Path after = Files.readSymbolicLink(pod.directory().resolve("..data"));
    assertThat(after).isNotEqualTo(before);
    assertThat(Files.exists(pod.directory().resolve(before))).isFalse();
    assertThat(Files.readString(pod.tokenFile())).isEqualTo("tok-2");
    assertThat(Files.readString(pod.caFile())).isEqualTo("CA");
  }

  @Test
  void environmentIsWhatAPodGets(@TempDir Path dir) {
    PodView pod = new PodView(dir.resolve("sa"), "127.0.0.1", 6443, "t", "CA", "ns1");

    assertThat(pod.env()).containsEntry("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .containsEntry("KUBERNETES_SERVICE_PORT", "6443").containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "6443");
  }
}
