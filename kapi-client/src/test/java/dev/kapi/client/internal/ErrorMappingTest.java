package dev.kapi.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static KubeApiException map(int code, String body, String retryAfter) {
    KubeStatus s = StatusDecoder.decode(code, body.getBytes(StandardCharsets.UTF_8), JSON);
    return Errors.of(s, Errors.retryAfter(Optional.ofNullable(retryAfter)));
  }

  static String status(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
        + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "404, NotFound, NotFound",
      "409, AlreadyExists, AlreadyExists",
      "409, Conflict, Conflict",
      "403, Forbidden, Forbidden",
      "401, Unauthorized, Unauthorized",
      "410, Expired, Gone",
      "410, Gone, Gone",
      "422, Invalid, Invalid",
      "429, TooManyRequests, TooManyRequests",
      "500, ServerTimeout, ServerTimeout",
      "504, Timeout, ServerTimeout",
      "415, UnsupportedMediaType, UnsupportedMediaType",
      "400, BadRequest, KubeApiException",
      "500, InternalError, KubeApiException",
  })
  void statusBodiesBecomeTheirType(int code, String reason, String type) {
    KubeApiException e = map(code, status(code, reason, "m"), null);
    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.reason()).isEqualTo(reason);
  }

  @Test
  void priorityAndFairnessPlainText429IsTooManyRequestsWithRetryAfter() {
    KubeApiException e = map(429, "Too many requests, please try again later.\n", "1");
    assertThat(e).isInstanceOf(KubeApiException.TooManyRequests.class);
    assertThat(e.isTooManyRequests()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    assertThat(e.getMessage()).isEqualTo("the server has received too many requests and has asked us to try again later"
        + " (TooManyRequests)");
  }

  @Test
  void bareCodesMapByCodeWhenTheReasonIsUnknown() {
    assertThat(map(404, "", null)).isInstanceOf(KubeApiException.NotFound.class);
    assertThat(map(409, "<html>conflict</html>", null)).isInstanceOf(KubeApiException.Conflict.class);
    assertThat(map(403, status(403, "SomethingNew", "x"), null)).isInstanceOf(KubeApiException.Forbidden.class);
    assertThat(map(502, "<html><body>Bad Gateway</body></html>", null).getMessage()).contains("Bad Gateway");
    assertThat(map(503, "", null).getMessage()).contains("status code 503");
    assertThat(map(404, "404 page not found", null).status().message()).isEqualTo("the server could not find the requested resource");
  }

  @Test
  void aKnownReasonWinsOverTheCode() {
    // a webhook may answer 500 with reason NotFound: client-go's IsNotFound says yes, so do we
    assertThat(map(500, status(500, "NotFound", "x"), null)).isInstanceOf(KubeApiException.NotFound.class);
    assertThat(map(404, status(404, "BadRequest", "x"), null).isNotFound()).isFalse();
  }

  @Test
  void invalidCarriesFieldCausesAndTheStatusRetryHintIsUsed() {
    String body = "{\"kind\":\"Status\",\"code\":422,\"reason\":\"Invalid\",\"message\":\"bad\",\"details\":{\"name\":\"x\","
        + "\"kind\":\"configmaps\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"no\",\"field\":\"metadata.name\"}],"
        + "\"retryAfterSeconds\":3}}";
    KubeApiException e = map(422, body, null);
    assertThat(e).isInstanceOfSatisfying(KubeApiException.Invalid.class,
        i -> assertThat(i.causes()).containsExactly(new KubeStatus.Cause("FieldValueInvalid", "no", "metadata.name")));
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(e.status().details().name()).isEqualTo("x");
  }
}
