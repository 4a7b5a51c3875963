package dev.kapi.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.client.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response whose body has not been read yet: a stream (already gunzipped when the server compressed it)
 * that the caller reads once and closes. Closing before the end aborts the transfer, which is how a watch
 * or a followed log is stopped.
 */
public final class KubeResponse implements AutoCloseable {

  private final KubeRequest request;
  private final int code;
  private final HttpHeaders headers;
  private final InputStream body;
  private final Json json;

  /** Made by the client. */
  public KubeResponse(KubeRequest request, int code, HttpHeaders headers, InputStream body, Json json) {
    this.request = request;
    this.code = code;
    this.headers = headers;
    this.body = body;
    this.json = json;
  }

  public KubeRequest request() {
    return request;
  }

  public int code() {
    return code;
  }

  public boolean successful() {
    return code / 100 == 2;
  }

  public HttpHeaders headers() {
    return headers;
  }

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  public String contentType() {
    return headers.firstValue("Content-Type").orElse("");
  }

  /** The body as a stream; read it once. */
  public InputStream body() {
    return body;
  }

  /** Reads the whole body and closes the response. */
  public byte[] bytes() {
    try (this) {
      return body.readAllBytes();
    } catch (IOException e) {
      throw new KubeException("reading the response to " + request + " failed: " + e.getMessage(), e);
    }
  }

  public String text() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  /** Parses the whole body as JSON and closes the response. */
  public JsonNode json() {
    try (this) {
      JsonNode n = json.tree(body); // leaves the stream open: we read to EOF first, see drain()
      drain();
      return n;
    } catch (IOException e) {
      throw new KubeException("the response to " + request + " is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Reads to the end of the stream. Jackson stops at the end of the JSON value, before the stream has said EOF
   * (and before a gzip trailer); closing then would cancel an exchange the JDK has already completed, and its
   * HTTP/1.1 pool can then close that connection under the next request ("header parser received no bytes").
   */
  private void drain() throws IOException {
    byte[] skip = new byte[8192];
    while (body.read(skip) >= 0) {
      // whitespace after the document, if anything
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
