package dev.kapi.proxy.faults;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigLoader;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.ProxyServer;
import dev.kapi.testing.PodView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** An in-process {@code kapi proxy} on a free loopback port, and the two kinds of client the fault tests need. */
final class ProxyHarness implements AutoCloseable {

  final ProxyServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ProxyHarness(ProxyServer server) {
    this.server = server;
  }

  /** The proxy as it runs in a Pod: in-cluster config from the pod view, no flags. */
  static ProxyHarness inPod(PodView pod) {
    return start(inCluster(pod), b -> b);
  }

  static ClusterConfig inCluster(PodView pod) {
    return new ConfigLoader(pod.envWithDirectory(), Path.of("/nonexistent-home")).inCluster();
  }

  static ProxyHarness start(ClusterConfig cluster, UnaryOperator<ProxyConfig.Builder> flags) {
    return new ProxyHarness(ProxyServer.start(flags.apply(ProxyConfig.builder(cluster).port(0)).build()));
  }

  /** As {@link #start}, plus an admin listener on a free loopback port, so the proxy keeps metrics. */
  static ProxyHarness startWithMetrics(ClusterConfig cluster, UnaryOperator<ProxyConfig.Builder> flags) {
    return new ProxyHarness(ProxyServer.start(flags.apply(ProxyConfig.builder(cluster).port(0)).build(),
        OperationsConfig.none().withAdmin(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))));
  }

  int port() {
    return server.port();
  }

  HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A raw client connection: the request is written as given, the response read as bytes. */
  RawClient raw(String requestHead) throws IOException {
    return new RawClient(port(), requestHead);
  }

  @Override
  public void close() {
    server.close();
  }

  static final class RawClient implements AutoCloseable {
    final Socket socket = new Socket();
    final InputStream in;
    private final StringBuilder head = new StringBuilder();

    RawClient(int port, String requestHead) throws IOException {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      in = socket.getInputStream();
    }

    /** Reads the status line and headers; returns them (the body is left in the stream). */
    String readHead() throws IOException {
      int b;
      while ((b = in.read()) >= 0) {
        head.append((char) b);
        if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
          return head.toString();
        }
      }
      throw new IOException("connection closed before the response head; got: " + head);
    }

    /** The body of a response with a Content-Length (the proxy's own Status answers), after {@link #readHead}. */
    String body() throws IOException {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
      if (!m.find()) {
        throw new IOException("no Content-Length in " + head);
      }
      return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8);
    }

    int status() {
      return Integer.parseInt(head.substring(9, 12));
    }

    /**
     * Reads a chunked body until it ends: true when the terminating zero-length chunk arrives (a clean end),
     * false when the connection ends or is reset without it (the proxy aborted the response).
     */
    boolean readToEndCleanly() throws IOException {
      byte[] buf = new byte[8192];
      String tail = "";
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          String s = tail + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          if (s.endsWith("\r\n0\r\n\r\n")) {
            return true;
          }
          tail = s.substring(Math.max(0, s.length() - 7));
        }
      } catch (java.net.SocketException reset) {
        return false;
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
