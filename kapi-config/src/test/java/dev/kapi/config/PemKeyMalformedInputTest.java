package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged key files: every truncation and many corruptions of real keys, and hand-made hostile DER. Whatever the
 * damage, the only outcome besides a key is a {@link ConfigException} naming source and field, never quoting the key.
 */
class PemKeyMalformedInputTest {

  private static final String[] SHAPES = {"RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"};

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rsa-pkcs1", "rsa-pkcs8", "ec-p256-sec1", "ec-p521-pkcs8", "ed25519-pkcs8",
      "ec-p256-explicit-sec1", "dsa-pkcs8"})
  void everyTruncationOfAKeyIsAConfigExceptionNamingTheField(String name) {
    String type = KeyFixtures.read(name + ".key").contains("BEGIN RSA") ? "RSA PRIVATE KEY"
        : KeyFixtures.read(name + ".key").contains("BEGIN EC PRIVATE") ? "EC PRIVATE KEY" : "PRIVATE KEY";
    byte[] der = KeyFixtures.der(name + ".key");
    for (int length = 0; length < der.length; length++) {
      String pem = KeyFixtures.pem(type, Arrays.copyOf(der, length));
      assertThatThrownBy(() -> Pem.privateKey(pem, "kc", "users[u].client-key-data"))
          .as("%s cut to %d bytes", name, length)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("kc: users[u].client-key-data ");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rsa-pkcs1", "ec-p384-sec1", "ec-p256-pkcs8", "ed25519-pkcs8"})
  void corruptingAnyByteYieldsAKeyOrAConfigExceptionThatDoesNotQuoteTheKey(String name) {
    String original = KeyFixtures.read(name + ".key");
    byte[] der = KeyFixtures.der(name + ".key");
    String[] bodyLines = original.lines().filter(l -> !l.startsWith("-----")).toArray(String[]::new);
    for (String type : SHAPES) {
      for (int i = 0; i < der.length; i++) {
        for (int value : new int[] {0x00, 0x80, 0xFF, der[i] ^ 0x01}) {
          byte[] damaged = der.clone();
          damaged[i] = (byte) value;
          try {
            Pem.privateKey(KeyFixtures.pem(type, damaged), "kc", "f");
          } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("kc: f ");
            for (String line : bodyLines) {
              assertThat(e.getMessage()).doesNotContain(line.substring(0, Math.min(16, line.length())));
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "indefinite length            | PRIVATE KEY     | 3080020100 0000 | an indefinite length (BER, not DER)",
      "length of five bytes         | RSA PRIVATE KEY | 30850000000003 020100 | a length of more than 4 bytes",
      "length of 4 GiB              | EC PRIVATE KEY  | 3084ffffffff 020101 | an element's length runs past the end of the data",
      "length beyond the data       | PRIVATE KEY     | 3010 020100 | an element's length runs past the end of the data",
      "inner length beyond parent   | PRIVATE KEY     | 3004 0205 0000 | an element's length runs past the end of the data",
      "trailing bytes               | EC PRIVATE KEY  | 3000 00 | unexpected data follows the key structure",
      "empty                        | RSA PRIVATE KEY | '' | the DER data ends early",
      "unknown PKCS#1 version       | RSA PRIVATE KEY | 3003 020102 | unknown RSA private key version",
      "unknown PKCS#8 version       | PRIVATE KEY     | 3003 020102 | unknown PKCS#8 version",
      "unknown SEC1 version         | EC PRIVATE KEY  | 3003 020100 | unknown EC private key version",
      "Ed25519 with parameters      | PRIVATE KEY     | 3016 020100 3007 06032b6570 0500 0408 0406 000000000000 | an Ed25519 key carries algorithm parameters (RFC 8410 forbids them)",
      "Ed25519 seed too short       | PRIVATE KEY     | 3012 020100 3005 06032b6570 0406 0404 00000000 | an Ed25519 private key is not 32 bytes"})
  void hostileDerIsRefusedWithItsReason(String what, String type, String hex, String problem) {
    byte[] der = HexFormat.of().parseHex(hex.replace(" ", ""));

    assertThatThrownBy(() -> Pem.privateKey(KeyFixtures.pem(type, der), "kc", "users[u].client-key-data"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kc: users[u].client-key-data is not a valid PEM private key (" + problem + ")");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no END line       | -----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE\\n | is not a valid PEM private key (a BEGIN EC PRIVATE KEY block has no END line (truncated?))",
      "bad base64        | -----BEGIN EC PRIVATE KEY-----\\nMHc*AQEE\\n-----END EC PRIVATE KEY-----\\n | is not a valid PEM private key (the EC PRIVATE KEY block is not valid base64)",
      "another key type  | -----BEGIN OPENSSH PRIVATE KEY-----\\nAAAA\\n-----END OPENSSH PRIVATE KEY-----\\n | holds a OPENSSH PRIVATE KEY block; Kubernetes clients read RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY",
      "only parameters   | -----BEGIN EC PARAMETERS-----\\nBggqhkjOPQMBBw==\\n-----END EC PARAMETERS-----\\n | holds no PEM private key (RSA or EC, PKCS#1, SEC1 or PKCS#8)",
      "no PEM at all     | just text | holds no PEM private key (no BEGIN ... PRIVATE KEY block)",
      "blank             | '   ' | is empty"})
  void pemFramingProblemsAreNamed(String what, String text, String problem) {
    assertThatThrownBy(() -> Pem.privateKey(text.replace("\\n", "\n"), "kc", "f"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kc: f " + problem);
  }
}
