package dev.kapi.config.internal;

import java.math.BigInteger;

/**
 * A cursor over DER (the strict, definite-length subset of ASN.1 BER) for the few universal types private keys use.
 * Reads only forward, never copies the buffer, and never trusts a length: every element must fit inside its parent.
 * Like Go's {@code encoding/asn1}, it refuses what DER forbids (indefinite lengths, non-minimal lengths and
 * integers), so a key client-go rejects is not accepted here either.
 */
public final class Der {

  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  private static final int CONTEXT_CONSTRUCTED = 0xA0;

  /** Longest OID body read: key algorithm and curve OIDs are under 12 bytes. */
  private static final int MAX_OID_BYTES = 64;

  private final byte[] buf;
  private final int end;
  private int pos;

  private Der(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** A reader over one whole DER encoding. */
  public static Der of(byte[] der) {
    return new Der(der, 0, der.length);
  }

  public boolean hasMore() {
    return pos < end;
  }

  /** The tag of the next element, without consuming it. */
  public int peekTag() throws MalformedKeyException {
    if (pos >= end) {
      throw new MalformedKeyException("the DER data ends early");
    }
    return buf[pos] & 0xFF;
  }

  /** Whether the next element is context-specific constructed {@code [n]}, as optional fields are tagged. */
  public boolean nextIsExplicit(int n) throws MalformedKeyException {
    return hasMore() && peekTag() == (CONTEXT_CONSTRUCTED | n);
  }

  /** Enters a SEQUENCE: the returned reader covers its contents, this one moves past it. */
  public Der sequence() throws MalformedKeyException {
    return enter(SEQUENCE, "a SEQUENCE");
  }

  /** Enters an explicitly tagged {@code [n]} element. */
  public Der explicit(int n) throws MalformedKeyException {
    return enter(CONTEXT_CONSTRUCTED | n, "a [" + n + "] element");
  }

  public byte[] octetString() throws MalformedKeyException {
    int len = header(OCTET_STRING, "an OCTET STRING");
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }

  public BigInteger integer() throws MalformedKeyException {
    int len = header(INTEGER, "an INTEGER");
    if (len == 0) {
      throw new MalformedKeyException("an INTEGER is empty");
    }
    if (len > 1 && ((buf[pos] == 0 && (buf[pos + 1] & 0x80) == 0) || (buf[pos] == (byte) 0xFF && (buf[pos + 1] & 0x80) != 0))) {
      throw new MalformedKeyException("an INTEGER is not minimally encoded");
    }
    BigInteger value = new BigInteger(buf, pos, len);
    pos += len;
    return value;
  }

  /** An INTEGER that must be small, such as a version number. */
  public int smallInteger() throws MalformedKeyException {
    BigInteger v = integer();
    if (v.bitLength() > 31) {
      throw new MalformedKeyException("a version number is out of range");
    }
    return v.intValue();
  }

  /** An OBJECT IDENTIFIER in dotted form. */
  public String oid() throws MalformedKeyException {
    int len = header(OID, "an OBJECT IDENTIFIER");
    if (len == 0 || len > MAX_OID_BYTES) {
      throw new MalformedKeyException("an OBJECT IDENTIFIER has a bad length");
    }
    StringBuilder out = new StringBuilder();
    int stop = pos + len;
    boolean first = true;
    while (pos < stop) {
      if (buf[pos] == (byte) 0x80) {
        throw new MalformedKeyException("an OBJECT IDENTIFIER is not minimally encoded");
      }
      long arc = 0;
      int b;
      do {
        if (pos >= stop) {
          throw new MalformedKeyException("an OBJECT IDENTIFIER is truncated");
        }
        if (arc > (Long.MAX_VALUE >>> 7)) {
          throw new MalformedKeyException("an OBJECT IDENTIFIER arc is too large");
        }
        b = buf[pos++] & 0xFF;
        arc = (arc << 7) | (b & 0x7F);
      } while ((b & 0x80) != 0);
      if (first) {
        // the first subidentifier packs the first two arcs as 40 * x + y
        long x = Math.min(arc / 40, 2);
        out.append(x).append('.').append(arc - 40 * x);
        first = false;
      } else {
        out.append('.').append(arc);
      }
    }
    return out.toString();
  }

  public void nullValue() throws MalformedKeyException {
    if (header(NULL, "a NULL") != 0) {
      throw new MalformedKeyException("a NULL has contents");
    }
  }

  /** Moves past the next element, whatever it is. */
  public void skip() throws MalformedKeyException {
    int len = header(-1, "an element");
    pos += len;
  }

  /** Fails if anything follows: DER leaves no room for trailing bytes. */
  public void requireEnd() throws MalformedKeyException {
    if (pos != end) {
      throw new MalformedKeyException("unexpected data follows the key structure");
    }
  }

  private Der enter(int tag, String what) throws MalformedKeyException {
    int len = header(tag, what);
    Der inner = new Der(buf, pos, pos + len);
    pos += len;
    return inner;
  }

  /** Reads tag and length, checks the tag ({@code expected < 0}: any), and returns the content length. */
  private int header(int expected, String what) throws MalformedKeyException {
    int tag = peekTag();
    if ((tag & 0x1F) == 0x1F) {
      throw new MalformedKeyException("a multi-byte ASN.1 tag, which no key format uses");
    }
    if (expected >= 0 && tag != expected) {
      // the tag found is not quoted: in a damaged key it may be a byte of key material
      throw new MalformedKeyException("expected " + what + " and found another element");
    }
    int p = pos + 1;
    if (p >= end) {
      throw new MalformedKeyException("the DER data ends inside an element header");
    }
    int first = buf[p++] & 0xFF;
    long len;
    if (first < 0x80) {
      len = first;
    } else if (first == 0x80) {
      throw new MalformedKeyException("an indefinite length (BER, not DER)");
    } else {
      int n = first & 0x7F;
      if (n > 4) {
        throw new MalformedKeyException("a length of more than 4 bytes");
      }
      if (p + n > end) {
        throw new MalformedKeyException("the DER data ends inside an element header");
      }
      if (buf[p] == 0) {
        throw new MalformedKeyException("a length is not minimally encoded");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (buf[p++] & 0xFF);
      }
      if (len < 0x80) {
        throw new MalformedKeyException("a length is not minimally encoded");
      }
    }
    if (len > end - p) {
      throw new MalformedKeyException("an element's length runs past the end of the data");
    }
    pos = p;
    return (int) len;
  }
}
