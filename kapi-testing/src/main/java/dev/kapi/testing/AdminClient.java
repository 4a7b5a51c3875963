package dev.kapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Cluster-admin REST calls for test set-up, over plain {@code java.net.http} with the admin client certificate.
 * Deliberately independent of kapi's own client, which is what many tests are proving.
 */
public final class AdminClient {

  /** A non-2xx answer from the API server. */
  public static final class ApiError extends RuntimeException {
    private final int code;
    private final String body;

    ApiError(String what, int code, String body) {
      super(what + " -> HTTP " + code + ": " + body);
      this.code = code;
      this.body = body;
    }

    public int code() {
      return code;
    }

    public String body() {
      return body;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final SSLContext ssl;
  private final HttpClient http;

  AdminClient(URI server, X509Certificate ca, TestPki.Issued admin) {
    this.server = server;
    this.ssl = sslContext(ca, admin);
    this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** An SSL context that trusts {@code ca} and, when {@code client} is given, presents it. */
  public static SSLContext sslContext(X509Certificate ca, TestPki.Issued client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.keyPair().getPrivate(), new char[0], new X509Certificate[] {client.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build test SSL context", e);
    }
  }

  public SSLContext sslContext() {
    return ssl;
  }

  public HttpClient http() {
    return http;
  }

  public JsonNode get(String path) {
    return call("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return call("POST", path, body);
  }

  public JsonNode put(String path, Object body) {
    return call("PUT", path, body);
  }

  public JsonNode delete(String path) {
    return call("DELETE", path, null);
  }

  /** POST that treats 409 AlreadyExists as success (idempotent set-up). */
  public void ensure(String collectionPath, Object body) {
    try {
      post(collectionPath, body);
    } catch (ApiError e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  public JsonNode call(String method, String path, Object body) {
    HttpResponse<String> r = send(method, path, body, "application/json");
    if (r.statusCode() / 100 != 2) {
      throw new ApiError(method + " " + path, r.statusCode(), r.body());
    }
    try {
      return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw response, whatever its status. */
  public HttpResponse<String> send(String method, String path, Object body, String contentType) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
          .header("Accept", "application/json");
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(text));
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    return o;
  }
}
