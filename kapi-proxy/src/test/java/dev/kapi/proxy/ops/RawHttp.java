package dev.kapi.proxy.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads one HTTP/1.1 response from a socket by hand, so a test controls how fast it reads. */
final class RawHttp {

  record Response(String head, byte[] body, boolean cleanEnd) {
    int status() {
      return Integer.parseInt(head.substring(9, 12));
    }
  }

  private RawHttp() {
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      b.write(c);
      byte[] a = b.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return new String(a, StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("connection closed inside the response head");
  }

  /** The body after {@code head}: chunked (clean end = the terminating chunk), sized, or up to the close. */
  static Response readBody(String head, InputStream in) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (lower.contains("transfer-encoding: chunked")) {
      while (true) {
        String line = readLine(in);
        if (line == null) {
          return new Response(head, body.toByteArray(), false);
        }
        int size = Integer.parseInt(line.split(";")[0].strip(), 16);
        if (size == 0) {
          readLine(in);
          return new Response(head, body.toByteArray(), true);
        }
        byte[] data = in.readNBytes(size);
        body.write(data);
        if (data.length < size || readLine(in) == null) {
          return new Response(head, body.toByteArray(), false);
        }
      }
    }
    int i = lower.indexOf("content-length:");
    if (i >= 0) {
      int len = Integer.parseInt(lower.substring(i + 15, lower.indexOf('\r', i)).strip());
      byte[] data = in.readNBytes(len);
      return new Response(head, data, data.length == len);
    }
    return new Response(head, in.readAllBytes(), true);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        return s.toString().strip();
      }
      s.append((char) c);
    }
    return null;
  }
}
