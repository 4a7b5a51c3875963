package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtClaimsTest {

  private static String jwt(String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  @Test
  void readsExpFromAServiceAccountTokenWhateverComesBeforeIt() {
    String token = jwt("{\"aud\":[\"https://kubernetes.default.svc\"],\"kubernetes.io\":{\"namespace\":\"demo\","
        + "\"serviceaccount\":{\"name\":\"sa\"}},\"exp\":1800000000,\"iat\":1799996400}");

    assertThat(JwtClaims.expiry(token)).contains(Instant.ofEpochSecond(1_800_000_000L));
  }

  @Test
  void tokensWithoutAnExpiryHaveNone() {
    assertThat(JwtClaims.expiry(jwt("{\"sub\":\"x\"}"))).isEmpty();
    assertThat(JwtClaims.expiry(jwt("{\"exp\":\"soon\"}"))).isEmpty();
    assertThat(JwtClaims.expiry("opaque-static-token")).isEmpty();
    assertThat(JwtClaims.expiry("a.%%%.c")).isEmpty();
    assertThat(JwtClaims.expiry(jwt("[1,2]"))).isEmpty();
  }
}
