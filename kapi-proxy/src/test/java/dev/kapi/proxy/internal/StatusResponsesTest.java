package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusResponsesTest {

  @Test
  void writesAKubernetesStatusWithRetryAfterInBothPlaces() throws Exception {
    FullHttpResponse r = StatusResponses.unavailable(UnpooledByteBufAllocator.DEFAULT,
        "cannot connect to \"x\"\n<now>");
    JsonNode s = new ObjectMapper().readTree(r.content().toString(StandardCharsets.UTF_8));
    assertThat(r.status().code()).isEqualTo(503);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.headers().get("Retry-After")).isEqualTo("1");
    assertThat(s.path("kind").asText()).isEqualTo("Status");
    assertThat(s.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(s.path("status").asText()).isEqualTo("Failure");
    assertThat(s.path("reason").asText()).isEqualTo("ServiceUnavailable");
    assertThat(s.path("code").asInt()).isEqualTo(503);
    assertThat(s.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
    assertThat(s.path("message").asText()).isEqualTo("cannot connect to \"x\"\n<now>");
    assertThat(r.headers().getInt("Content-Length")).isEqualTo(r.content().readableBytes());
    r.release();
  }

  @Test
  void forbiddenHasNoRetryAfter() throws Exception {
    FullHttpResponse r = StatusResponses.forbidden(UnpooledByteBufAllocator.DEFAULT, "no");
    JsonNode s = new ObjectMapper().readTree(r.content().toString(StandardCharsets.UTF_8));
    assertThat(s.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(s.has("details")).isFalse();
    assertThat(r.headers().contains("Retry-After")).isFalse();
    r.release();
  }
}
