package dev.kapi.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PEM framing: blocks, headers, tolerated text around them, and the framing errors that are reported. */
class PemBlockTest {

  @Test
  void findsEveryBlockWithItsHeadersAndIgnoresTextAround() throws Exception {
    String text = "leading words\r\n-----BEGIN EC PARAMETERS-----\r\nBggqhkjOPQMBBw==\r\n-----END EC PARAMETERS-----\r\n"
        + "between\n  -----BEGIN RSA PRIVATE KEY-----  \nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAQID\nBA==\n"
        + "-----END RSA PRIVATE KEY-----\ntrailing";

    List<PemBlock> blocks = PemBlock.parseAll(text);

    assertThat(blocks).extracting(PemBlock::type).containsExactly("EC PARAMETERS", "RSA PRIVATE KEY");
    assertThat(blocks.get(0).der()).containsExactly(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
    assertThat(blocks.get(0).isTraditionallyEncrypted()).isFalse();
    assertThat(blocks.get(1).headers()).isEqualTo(Map.of("Proc-Type", "4,ENCRYPTED", "DEK-Info", "AES-128-CBC,00"));
    assertThat(blocks.get(1).isTraditionallyEncrypted()).isTrue();
    assertThat(blocks.get(1).der()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void framingErrorsAreReported() {
    assertThatThrownBy(() -> PemBlock.parseAll("-----BEGIN PRIVATE KEY-----\nAQID\n"))
        .isInstanceOf(MalformedKeyException.class).hasMessage("a BEGIN PRIVATE KEY block has no END line (truncated?)");
    assertThatThrownBy(() -> PemBlock.parseAll("-----BEGIN PRIVATE KEY-----\nAQID\n-----END RSA PRIVATE KEY-----\n"))
        .hasMessage("a BEGIN PRIVATE KEY block is not closed by its END line");
    assertThatThrownBy(() -> PemBlock.parseAll("-----BEGIN PRIVATE KEY\nAQID\n-----END PRIVATE KEY-----\n"))
        .hasMessage("a BEGIN line is not of the form -----BEGIN TYPE-----");
    assertThatThrownBy(() -> PemBlock.parseAll("-----BEGIN -----\n-----END -----\n"))
        .hasMessage("a BEGIN line is not of the form -----BEGIN TYPE-----");
  }

  @Test
  void brokenBase64IsReportedWithoutQuotingIt() throws Exception {
    PemBlock block = PemBlock.parseAll("-----BEGIN PRIVATE KEY-----\nAQ*D\n-----END PRIVATE KEY-----\n").get(0);

    assertThatThrownBy(block::der).isInstanceOf(MalformedKeyException.class)
        .hasMessage("the PRIVATE KEY block is not valid base64");
  }

  @Test
  void neitherMessagesNorToStringEchoTheBodyOrAStrangeLabel() throws Exception {
    PemBlock block = PemBlock.parseAll("-----BEGIN secret-ish label-----\nc2VjcmV0\n-----END secret-ish label-----\n").get(0);

    assertThat(block.toString()).isEqualTo("PemBlock[(unrecognised label), 8 base64 characters]");
    assertThatThrownBy(() -> PemBlock.parseAll("-----BEGIN x c2VjcmV0-----\n")).hasMessageNotContaining("c2VjcmV0");
  }
}
