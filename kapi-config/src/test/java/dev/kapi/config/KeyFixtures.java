package dev.kapi.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The openssl-written key fixtures under src/test/resources/dev/kapi/config/keys (test-only keys). */
final class KeyFixtures {

  private KeyFixtures() {
  }

  static String read(String name) {
    try (InputStream in = KeyFixtures.class.getResourceAsStream("/dev/kapi/config/keys/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The DER inside the last PEM block of a fixture. */
  static byte[] der(String name) {
    String pem = read(name);
    int begin = pem.lastIndexOf("-----BEGIN ");
    String body = pem.substring(pem.indexOf('\n', begin) + 1, pem.indexOf("-----END ", begin));
    return Base64.getMimeDecoder().decode(body);
  }

  /** {@code der} as a PEM block of the given type, 64 characters a line. */
  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
