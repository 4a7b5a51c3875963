package dev.kapi.config.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.config.ConfigException;
import dev.kapi.config.Pem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Jazzer over the private key reader ({@link Pem#privateKey}, kapi-config's own PEM and DER decoding). A normal
 * {@code mvn test} replays the seeds in {@code PrivateKeyFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/security.md §6). The first input byte picks what the rest is, so mutations reach the DER decoder without
 * having to produce valid base64 first: {@code r}, {@code e} or {@code p} wrap the rest as the DER of an
 * {@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY} or {@code PRIVATE KEY} block; anything else makes the whole
 * input PEM text. Property: a key comes back or a {@link ConfigException} naming the field, whose message does not
 * quote the key; nothing else escapes.
 */
class PrivateKeyFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodesOrFailsWithAConfigException(byte[] input) {
    String type = input.length == 0 ? null : switch (input[0]) {
      case 'r' -> "RSA PRIVATE KEY";
      case 'e' -> "EC PRIVATE KEY";
      case 'p' -> "PRIVATE KEY";
      default -> null;
    };
    String body = null;
    String pem;
    if (type == null) {
      pem = new String(input, StandardCharsets.UTF_8);
    } else {
      body = Base64.getEncoder().encodeToString(Arrays.copyOfRange(input, 1, input.length));
      pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
    try {
      Pem.privateKey(pem, "fuzz", "users[u].client-key-data");
    } catch (ConfigException expected) {
      String message = expected.getMessage();
      if (message == null || !message.startsWith("fuzz: users[u].client-key-data ")) {
        throw new AssertionError("a ConfigException that does not name the field", expected);
      }
      if (body != null && body.length() >= 12 && message.contains(body)) {
        throw new AssertionError("the message quotes the key", expected);
      }
    }
  }
}
