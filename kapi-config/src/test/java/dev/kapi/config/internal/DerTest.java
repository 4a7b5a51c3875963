package dev.kapi.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DER cursor reads what DER allows and refuses, with a fixed message, what it forbids. */
class DerTest {

  private static Der der(String hex) {
    return Der.of(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @Test
  void readsTheTypesPrivateKeysUse() throws Exception {
    // SEQUENCE { INTEGER 1, OCTET STRING 0102, [0] { OID 1.2.840.10045.3.1.7 }, NULL }
    Der outer = der("30 15 020101 04020102 a00a 06082a8648ce3d030107 0500");
    Der seq = outer.sequence();
    outer.requireEnd();

    assertThat(seq.smallInteger()).isEqualTo(1);
    assertThat(seq.octetString()).containsExactly(1, 2);
    assertThat(seq.nextIsExplicit(0)).isTrue();
    assertThat(seq.explicit(0).oid()).isEqualTo("1.2.840.10045.3.1.7");
    seq.nullValue();
    assertThat(seq.hasMore()).isFalse();
  }

  @Test
  void integersAreSignedAndLongFormLengthsWork() throws Exception {
    assertThat(der("0201ff").integer()).isEqualTo(BigInteger.valueOf(-1));
    assertThat(der("02020080").integer()).isEqualTo(BigInteger.valueOf(128));
    byte[] big = new byte[300];
    big[0] = 0x02;
    big[1] = (byte) 0x82;
    big[2] = 0x01;
    big[3] = 0x28; // 296 content bytes
    big[4] = 0x7f;
    assertThat(Der.of(big).integer().bitLength()).isEqualTo(296 * 8 - 1);
  }

  @Test
  void oidsDecodeEveryArc() throws Exception {
    assertThat(der("0603 2b6570").oid()).isEqualTo("1.3.101.112");
    assertThat(der("0605 2b81040022").oid()).isEqualTo("1.3.132.0.34");
    assertThat(der("0602 8837").oid()).isEqualTo("2.999");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty input                    |             | the DER data ends early",
      "tag without length             | 30          | the DER data ends inside an element header",
      "indefinite length              | 3080 0000   | an indefinite length (BER, not DER)",
      "five length bytes              | 3085 0000000001 00 | a length of more than 4 bytes",
      "length beyond the buffer       | 3005 0201   | an element's length runs past the end of the data",
      "huge long-form length          | 3084 ffffffff 00 | an element's length runs past the end of the data",
      "long-form length cut off       | 3082 01     | the DER data ends inside an element header",
      "non-minimal long form          | 3081 05 0203010001 | a length is not minimally encoded",
      "leading zero length byte       | 3082 0005 0203010001 | a length is not minimally encoded",
      "multi-byte tag                 | 1f8101 00   | a multi-byte ASN.1 tag, which no key format uses",
      "wrong type                     | 0400        | expected a SEQUENCE and found another element"})
  void malformedHeadersAreRefused(String what, String hex, String problem) {
    assertThatThrownBy(() -> der(hex == null ? "" : hex).sequence())
        .isInstanceOf(MalformedKeyException.class)
        .hasMessage(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty integer             | 0200       | an INTEGER is empty",
      "padded positive integer   | 0202 0001  | an INTEGER is not minimally encoded",
      "padded negative integer   | 0202 ff80  | an INTEGER is not minimally encoded"})
  void malformedIntegersAreRefused(String what, String hex, String problem) {
    assertThatThrownBy(() -> der(hex).integer()).isInstanceOf(MalformedKeyException.class).hasMessage(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty oid            | 0600                   | an OBJECT IDENTIFIER has a bad length",
      "padded arc           | 0603 2b8001            | an OBJECT IDENTIFIER is not minimally encoded",
      "unterminated arc     | 0602 2b81              | an OBJECT IDENTIFIER is truncated",
      "arc beyond 63 bits   | 060b 2b ffffffffffffffffff7f | an OBJECT IDENTIFIER arc is too large"})
  void malformedOidsAreRefused(String what, String hex, String problem) {
    assertThatThrownBy(() -> der(hex).oid()).isInstanceOf(MalformedKeyException.class).hasMessage(problem);
  }

  @Test
  void trailingDataAndLargeVersionsAreRefused() throws Exception {
    Der twoElements = der("3000 3000");
    twoElements.sequence();
    assertThatThrownBy(twoElements::requireEnd).hasMessage("unexpected data follows the key structure");
    assertThatThrownBy(() -> der("0205 0100000000").smallInteger()).hasMessage("a version number is out of range");
    assertThatThrownBy(() -> der("0501 00").nullValue()).hasMessage("a NULL has contents");
  }

  @Test
  void anElementCannotReachOutOfItsParent() throws Exception {
    // the SEQUENCE claims 3 bytes; its INTEGER claims 4 that exist in the buffer but lie outside the SEQUENCE
    Der seq = der("3003 0204 01020304").sequence();

    assertThatThrownBy(seq::integer).hasMessage("an element's length runs past the end of the data");
  }
}
