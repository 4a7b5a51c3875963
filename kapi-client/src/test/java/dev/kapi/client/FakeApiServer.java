package dev.kapi.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local stand-in for one piece of server behaviour the real API server cannot be made to show on demand
 * (a 429 storm, a Retry-After, a slow log): answers from a queue of handlers, records requests. Plain HTTP.
 */
final class FakeApiServer implements AutoCloseable {

  interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  /** What the client sent. */
  record Seen(String method, String uri, String authorization, String acceptEncoding, String contentType, String body) {
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Handler> queue = new ConcurrentLinkedQueue<>();
  final List<Seen> requests = new CopyOnWriteArrayList<>();

  FakeApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
          ex.getRequestHeaders().getFirst("Accept-Encoding"), ex.getRequestHeaders().getFirst("Content-Type"), body));
      Handler h = queue.poll();
      if (h == null) {
        respond(ex, 500, "text/plain", "no response queued");
      } else {
        h.handle(ex);
      }
      ex.close();
    });
    server.start();
  }

  FakeApiServer enqueue(Handler h) {
    queue.add(h);
    return this;
  }

  FakeApiServer enqueue(int code, String contentType, String body, String... headers) {
    return enqueue(ex -> {
      for (int i = 0; i < headers.length; i += 2) {
        ex.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      respond(ex, code, contentType, body);
    });
  }

  static void respond(HttpExchange ex, int code, String contentType, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  ClusterConfig config(Credentials credentials) {
    return ClusterConfig.builder().server(url()).credentials(credentials).source("fake").build();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
