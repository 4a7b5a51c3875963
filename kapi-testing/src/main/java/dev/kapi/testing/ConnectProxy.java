package dev.kapi.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP CONNECT proxy for tests, as a corporate egress proxy: tunnels to the requested host and port once the
 * request carries the expected {@code Proxy-Authorization}, answers 407 otherwise, and records what it was sent.
 */
public final class ConnectProxy implements AutoCloseable {

  /** One CONNECT: its request line and its Proxy-Authorization (or null). */
  public record Seen(String requestLine, String proxyAuthorization) {
  }

  private final ServerSocket server;
  private final String expectedAuthorization;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  /** @param expectedAuthorization the {@code Proxy-Authorization} value a CONNECT must carry */
  public ConnectProxy(String expectedAuthorization) throws IOException {
    this.expectedAuthorization = expectedAuthorization;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "connect-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** Every CONNECT received so far, in order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "connect-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String auth = null;
      for (String l : lines) {
        if (l.regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) {
          auth = l.substring(20).trim();
        }
      }
      seen.add(new Seen(lines[0], auth));
      OutputStream out = client.getOutputStream();
      String[] parts = lines[0].split(" ");
      if (!parts[0].equals("CONNECT") || !expectedAuthorization.equals(auth)) {
        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      int colon = parts[1].lastIndexOf(':');
      try (Socket upstream = new Socket(parts[1].substring(0, colon), Integer.parseInt(parts[1].substring(colon + 1)))) {
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread back = new Thread(() -> pipe(upstream, client), "connect-proxy-back");
        back.setDaemon(true);
        back.start();
        pipe(client, upstream);
        back.join();
      }
    } catch (IOException | InterruptedException e) {
      // a test proxy: a broken tunnel shows up in the client's result
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && (b = in.read()) != -1) {
      head.write(b); // byte by byte: the TLS bytes after the head belong to the tunnel
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // the other side closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
