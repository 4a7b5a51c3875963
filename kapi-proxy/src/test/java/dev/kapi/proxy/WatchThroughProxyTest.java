package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A watch through the proxy delivers each event as it happens, not when the stream ends or a buffer fills. */
@ExtendWith(ApiServerExtension.class)
class WatchThroughProxyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachEventArrivesBeforeTheNextObjectIsCreated(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("watch");
    List<ApiServer.Rule> rules = List.of(ApiServer.Rule.of("", List.of("configmaps"), "get", "list", "watch"));
    try (PodProxy p = PodProxy.start(api, ns, "app", rules, b -> { })) {
      String rv = JSON.readTree(p.get("/api/v1/namespaces/" + ns + "/configmaps").body()).path("metadata")
          .path("resourceVersion").asText();
      int events = 5;
      ConcurrentHashMap<String, CountDownLatch> seen = new ConcurrentHashMap<>();
      for (int i = 0; i < events; i++) {
        seen.put("cm-" + i, new CountDownLatch(1));
      }
      HttpResponse<InputStream> watch = p.http.send(HttpRequest.newBuilder(p.url("/api/v1/namespaces/" + ns
          + "/configmaps?watch=true&resourceVersion=" + rv)).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            JsonNode event = JSON.readTree(line);
            if (event.path("type").asText().equals("ADDED")) {
              CountDownLatch l = seen.get(event.path("object").path("metadata").path("name").asText());
              if (l != null) {
                l.countDown();
              }
            }
          }
        } catch (Exception closed) {
          // the stream ends when the test closes it
        }
      }, "watch-reader");
      reader.setDaemon(true);
      reader.start();
      for (int i = 0; i < events; i++) {
        api.admin().post("/api/v1/namespaces/" + ns + "/configmaps", JSON.readTree(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i + "\"}}"));
        assertThat(seen.get("cm-" + i).await(30, TimeUnit.SECONDS))
            .as("ADDED cm-%d arrives through the proxy while the watch stays open", i).isTrue();
      }
      watch.body().close();
    }
  }
}
