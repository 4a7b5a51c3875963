package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RawTargetTest {

  @Test
  void whatAUrlCannotCarryIsEncodedAndTheRestIsSentAsTyped() {
    assertThat(RawTarget.of("/api/v1/pods?labelSelector=app in (a,b)&limit=5"))
        .isEqualTo("/api/v1/pods?labelSelector=app%20in%20(a,b)&limit=5");
    assertThat(RawTarget.of("/api/v1/pods?labelSelector=app%3Dx&fieldSelector=a!=b"))
        .isEqualTo("/api/v1/pods?labelSelector=app%3Dx&fieldSelector=a!=b"); // the user's own escapes stay
    assertThat(RawTarget.of("/api/v1/namespaces/d/configmaps/é{x}")).isEqualTo("/api/v1/namespaces/d/configmaps/%C3%A9%7Bx%7D");
    assertThat(RawTarget.of("/apis/batch/v1")).isEqualTo("/apis/batch/v1");
  }

  @Test
  void controlCharactersAFragmentAndARelativePathAreOneLineErrors() {
    assertThatThrownBy(() -> RawTarget.of("/api\n/v1")).isInstanceOf(ExitCodeException.class)
        .hasMessage("--raw contains a control character (U+000A) at position 4");
    assertThatThrownBy(() -> RawTarget.of("/api/v1/pods#x")).isInstanceOf(ExitCodeException.class)
        .hasMessageContaining("'#'").hasMessageContaining("%23");
    assertThatThrownBy(() -> RawTarget.of("api/v1")).isInstanceOf(ExitCodeException.class)
        .hasMessage("--raw must be an absolute path starting with '/': api/v1");
  }
}
