package dev.kapi.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.client.KubeStatus;
import dev.kapi.config.internal.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an error body into a {@link KubeStatus}. A JSON Status is taken as sent; anything else (the
 * {@code text/plain} 429 of priority and fairness, an HTML page from a proxy, nothing at all) becomes a Status
 * with the HTTP code, a reason derived from it and the first line of the text as message, never a parse error.
 */
public final class StatusDecoder {

  private static final int MAX_MESSAGE = 512;

  private StatusDecoder() {
  }

  public static KubeStatus decode(int code, byte[] body, ObjectMapper json) {
    return decode(code, body, json.getFactory());
  }

  public static KubeStatus decode(int code, byte[] body, JsonFactory json) {
    if (body.length > 0 && body[0] == '{') {
      try (JsonParser p = json.createParser(body)) {
        JsonNode n = JsonTrees.read(p);
        if ("Status".equals(n.path("kind").asText())) {
          return fromNode(n, code);
        }
      } catch (IOException notJson) {
        // fall through to the text form
      }
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    String first = text.lines().findFirst().orElse("");
    if (first.length() > MAX_MESSAGE) {
      first = first.substring(0, MAX_MESSAGE) + "...";
    }
    return new KubeStatus("Failure", genericMessage(code, first), reasonFor(code), code, null);
  }

  /** client-go's {@code NewGenericServerResponse} wording, so tools print what kubectl prints for a bare code. */
  static String genericMessage(int code, String text) {
    return switch (code) {
      case 401 -> "Unauthorized";
      case 403 -> text.isEmpty() ? "the server does not allow access to the requested resource" : text;
      case 404 -> "the server could not find the requested resource";
      case 409 -> "the server reported a conflict";
      case 415 -> "the server does not support the media type of the request";
      case 429 -> "the server has received too many requests and has asked us to try again later";
      case 504 -> "the server was unable to return a response in the time allotted, but may still be processing the request";
      default -> code >= 500 && !text.isEmpty() ? "an error on the server (\"" + text + "\") has prevented the request from succeeding"
          : text.isEmpty() ? "the server responded with the status code " + code + " but did not return more information" : text;
    };
  }

  /** A Status object (from a response body or a watch ERROR event); {@code code} fills a missing code. */
  public static KubeStatus fromNode(JsonNode n, int code) {
    JsonNode d = n.path("details");
    List<KubeStatus.Cause> causes = new ArrayList<>();
    for (JsonNode c : d.path("causes")) {
      causes.add(new KubeStatus.Cause(c.path("reason").asText(null), c.path("message").asText(null), c.path("field").asText(null)));
    }
    KubeStatus.Details details = new KubeStatus.Details(d.path("name").asText(null), d.path("group").asText(null),
        d.path("kind").asText(null), causes, d.path("retryAfterSeconds").asInt(0));
    int c = n.path("code").asInt(0);
    return new KubeStatus(n.path("status").asText(null), n.path("message").asText(null),
        n.path("reason").asText(c == 0 ? reasonFor(code) : null), c == 0 ? code : c, details,
        n.path("metadata").path("continue").asText(null));
  }

  /** The reason the API server would have used for a bare HTTP code. */
  static String reasonFor(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 406 -> "NotAcceptable";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 413 -> "RequestEntityTooLarge";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> "";
    };
  }

}
