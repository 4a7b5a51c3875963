package dev.kapi.proxy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket: sends exactly the bytes a test writes (odd request
 * targets, Host headers, upgrade handshakes that java.net.http refuses to send) and reads a response as it is on
 * the wire, noticing whether a chunked body really ended.
 */
final class RawHttp implements Closeable {

  /** A response as read. {@code complete} is false when the connection ended mid-body. */
  record Response(String statusLine, int code, List<Map.Entry<String, String>> headers, byte[] body,
      boolean complete) {
    String header(String name) {
      return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
          .orElse(null);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new java.io.BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(60_000);
    return new RawHttp(s);
  }

  /** One request on a fresh connection. */
  static Response exchange(int port, String request) throws IOException {
    try (RawHttp h = connect(port)) {
      h.send(request);
      return h.readResponse(request.startsWith("HEAD "));
    }
  }

  /** A GET with the given target and Host. */
  static Response get(int port, String target, String host) throws IOException {
    return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  InputStream input() {
    return in;
  }

  Response readResponse(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    String l;
    while ((l = line()) != null && !l.isEmpty()) {
      int colon = l.indexOf(':');
      headers.add(Map.entry(l.substring(0, colon).strip(), l.substring(colon + 1).strip()));
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Response partial = new Response(status, code, headers, new byte[0], true);
    String te = partial.header("Transfer-Encoding");
    String cl = partial.header("Content-Length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean complete = true;
    if (head || code == 204 || code == 304 || code / 100 == 1) {
      complete = true;
    } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      complete = false;
      while (true) {
        String size = line();
        if (size == null) {
          break;
        }
        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (n == 0) {
          String t;
          while ((t = line()) != null && !t.isEmpty()) {
            // trailers
          }
          complete = t != null;
          break;
        }
        byte[] chunk = in.readNBytes(n);
        body.write(chunk);
        if (chunk.length < n || line() == null) {
          break;
        }
      }
    } else if (cl != null) {
      int n = Integer.parseInt(cl);
      byte[] b = in.readNBytes(n);
      body.write(b);
      complete = b.length == n;
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(status, code, headers, body.toByteArray(), complete);
  }

  /** A CRLF-terminated line, without the CRLF; null at end of stream. */
  String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
