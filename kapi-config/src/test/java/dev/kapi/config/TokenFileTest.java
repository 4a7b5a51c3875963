package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @TempDir
  Path dir;

  /** Publishes a token as the kubelet does: a new timestamped directory, then an atomic swap of ..data. */
  private void publish(String token, int generation) throws Exception {
    Path gen = Files.createDirectory(dir.resolve("..gen" + generation));
    Files.writeString(gen.resolve("token"), token);
    Path tmp = dir.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, Path.of("..gen" + generation));
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isSymbolicLink(dir.resolve("token"))) {
      Files.createSymbolicLink(dir.resolve("token"), Path.of("..data/token"));
    }
  }

  @Test
  void theFirstRequestAfterAKubeletRotationCarriesTheNewToken() throws Exception {
    publish("token-1", 1);
    TokenFile tf = new TokenFile(dir.resolve("token"));
    assertThat(tf.authorization()).contains("Bearer token-1");

    publish("token-2", 2); // same length, same second: only the inode differs

    assertThat(tf.authorization()).contains("Bearer token-2");
  }

  @Test
  void aRewriteInPlaceIsNoticedByMtimeOrSize() throws Exception {
    Path f = Files.writeString(dir.resolve("t"), "one");
    TokenFile tf = new TokenFile(f);
    assertThat(tf.authorization()).contains("Bearer one");

    Files.writeString(f, "second");

    assertThat(tf.authorization()).contains("Bearer second");
  }

  @Test
  void a401ForcesAReReadEvenWhenTheFileLooksUnchanged() throws Exception {
    Path f = Files.writeString(dir.resolve("t"), "aaaa");
    FileTime mtime = Files.getLastModifiedTime(f);
    TokenFile tf = new TokenFile(f);
    assertThat(tf.authorization()).contains("Bearer aaaa");
    Files.writeString(f, "bbbb");
    Files.setLastModifiedTime(f, mtime); // same inode, size and mtime: invisible to the per-use check

    assertThat(tf.authorization()).contains("Bearer aaaa");
    assertThat(tf.refreshAfterUnauthorized("Bearer aaaa")).isTrue();
    assertThat(tf.authorization()).contains("Bearer bbbb");
    assertThat(tf.refreshAfterUnauthorized("Bearer bbbb")).isFalse(); // nothing new to offer
  }

  @Test
  void missingOrEmptyBeforeTheFirstReadIsAnErrorNamingTheFile() throws Exception {
    TokenFile missing = new TokenFile(dir.resolve("nope"));
    assertThatThrownBy(missing::authorization).isInstanceOf(CredentialsUnavailableException.class)
        .hasMessage(dir.resolve("nope") + " does not exist");
    TokenFile empty = new TokenFile(Files.writeString(dir.resolve("empty"), "\n \n"));
    assertThatThrownBy(empty::authorization).hasMessage(dir.resolve("empty") + " is empty");
  }

  @Test
  void aTokenNoHeaderCanCarryIsAnErrorNamingTheFileAndThePositionNeverTheToken() throws Exception {
    TokenFile twoLines = new TokenFile(Files.writeString(dir.resolve("t"), "secret-one\nsecret-two\n"));
    assertThatThrownBy(twoLines::authorization).isInstanceOf(CredentialsUnavailableException.class)
        .hasMessage(dir.resolve("t") + " holds a control character (U+000A) at position 10, which no HTTP header can carry");
    assertThatThrownBy(() -> new StaticToken("abc\u0000def")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("control character (U+0000) at position 3").hasMessageNotContaining("abc");
    assertThatThrownBy(() -> new StaticToken("abc\u20acdef")).hasMessageContaining("outside Latin-1 (U+20AC)");
    assertThat(new StaticToken(" tab\tinside ").authorization()).contains("Bearer tab\tinside");
  }

  @Test
  void aBrieflyMissingOrEmptyFileKeepsTheLastTokenUntilItIsBack() throws Exception {
    Path f = Files.writeString(dir.resolve("t"), "good");
    TokenFile tf = new TokenFile(f);
    tf.authorization();

    Files.writeString(f, "");
    assertThat(tf.authorization()).contains("Bearer good");
    Files.delete(f);
    assertThat(tf.authorization()).contains("Bearer good");
    assertThat(tf.refreshAfterUnauthorized("Bearer good")).isFalse();
    Files.writeString(f, "better");
    assertThat(tf.authorization()).contains("Bearer better");
  }

  @Test
  void expiryIsReadFromAJwtsExpClaim() throws Exception {
    String claims = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"exp\":1900000000,\"sub\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    TokenFile tf = new TokenFile(Files.writeString(dir.resolve("t"), "e30." + claims + ".sig\n"));

    assertThat(tf.expiry()).contains(Instant.ofEpochSecond(1900000000));
    assertThat(new TokenFile(Files.writeString(dir.resolve("o"), "opaque")).expiry()).isEmpty();
  }

  @Test
  void expiryFollowsTheTokenAcrossARotation() throws Exception {
    Path f = Files.writeString(dir.resolve("t"), jwtExpiringAt(1900000000));
    TokenFile tf = new TokenFile(f);
    assertThat(tf.authorization()).isPresent();
    assertThat(tf.expiry()).contains(Instant.ofEpochSecond(1900000000));

    Files.writeString(dir.resolve("t.new"), jwtExpiringAt(1900003600));
    Files.move(dir.resolve("t.new"), f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    assertThat(tf.expiry()).contains(Instant.ofEpochSecond(1900003600));
  }

  private static String jwtExpiringAt(long exp) {
    String claims = "{\"sub\":\"system:serviceaccount:ns:sa\",\"exp\":" + exp + "}";
    return "e30." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + ".sig";
  }

  @Test
  void describeNamesTheFileNeverTheToken() throws Exception {
    TokenFile tf = new TokenFile(Files.writeString(dir.resolve("t"), "tok-SECRET"));
    tf.authorization();

    assertThat(tf.toString()).isEqualTo("token file " + dir.resolve("t"));
  }
}
