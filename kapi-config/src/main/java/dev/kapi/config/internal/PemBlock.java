package dev.kapi.config.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code -----BEGIN TYPE-----} … {@code -----END TYPE-----} block of PEM text (RFC 7468, plus the RFC 1421
 * headers such as {@code Proc-Type} that OpenSSL's traditional encrypted keys carry).
 *
 * <p>Text outside blocks is ignored, as Go's {@code pem.Decode} and OpenSSL do (explanatory lines before a key,
 * YAML indentation left over, CRLF line ends). Inside a block nothing is guessed: a block without its END line or
 * with broken base64 is an error rather than being skipped, so a truncated key file says so.
 */
public record PemBlock(String type, Map<String, String> headers, String base64) {

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  public PemBlock {
    headers = Map.copyOf(headers);
  }

  /** Every block in {@code text}, in order. */
  public static List<PemBlock> parseAll(String text) throws MalformedKeyException {
    List<PemBlock> blocks = new ArrayList<>();
    String type = null;
    Map<String, String> headers = new LinkedHashMap<>();
    StringBuilder body = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (type == null) {
        if (line.startsWith(BEGIN)) {
          type = blockType(line);
          headers.clear();
          body.setLength(0);
        }
        continue;
      }
      if (line.startsWith(DASHES)) {
        if (!line.equals(END + type + DASHES)) {
          throw new MalformedKeyException("a BEGIN " + printable(type) + " block is not closed by its END line");
        }
        blocks.add(new PemBlock(type, headers, body.toString()));
        type = null;
      } else if (body.length() == 0 && line.indexOf(':') > 0) {
        // base64 has no ':', so before the body this is an RFC 1421 header such as "Proc-Type: 4,ENCRYPTED"
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      } else {
        body.append(line);
      }
    }
    if (type != null) {
      throw new MalformedKeyException("a BEGIN " + printable(type) + " block has no END line (truncated?)");
    }
    return List.copyOf(blocks);
  }

  /** Never the body: it is key material. */
  @Override
  public String toString() {
    return "PemBlock[" + printable(type) + ", " + base64.length() + " base64 characters]";
  }

  /** The DER bytes the block carries. */
  public byte[] der() throws MalformedKeyException {
    String compact = base64.replaceAll("[ \t\r\n]", "");
    try {
      return Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the offending character: not repeated here
      throw new MalformedKeyException("the " + printable(type) + " block is not valid base64");
    }
  }

  /** OpenSSL's traditional encryption: {@code Proc-Type: 4,ENCRYPTED} with a {@code DEK-Info} header. */
  public boolean isTraditionallyEncrypted() {
    String procType = headers.get("Proc-Type");
    return procType != null && procType.toUpperCase(Locale.ROOT).contains("ENCRYPTED");
  }

  /** The block type in a form safe for messages: labels are short upper-case words; anything else is not echoed. */
  public static String printable(String type) {
    return type.length() <= 40 && type.matches("[A-Z0-9 ]+") ? type : "(unrecognised label)";
  }

  private static String blockType(String beginLine) throws MalformedKeyException {
    if (!beginLine.endsWith(DASHES) || beginLine.length() <= BEGIN.length() + DASHES.length()) {
      throw new MalformedKeyException("a BEGIN line is not of the form -----BEGIN TYPE-----");
    }
    return beginLine.substring(BEGIN.length(), beginLine.length() - DASHES.length());
  }
}
