package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kapi proxy} run out of file descriptors by more client connections than its limit allows: it keeps running
 * and serves again once they close. Its first log line used to be the one that loads the time zone's rules, which
 * then failed to open ("Too many open files") and killed the event loop: the proxy vanished with exit code 0.
 */
@ExtendWith(ApiServerExtension.class)
class ProxyOutOfDescriptorsProcessTest {

  @Test
  void moreConnectionsThanDescriptorsLeaveTheProxyRunningAndServingAfterwards(ApiServer api, @TempDir Path dir)
      throws Exception {
    Path token = Files.writeString(dir.resolve("token"), api.adminToken());
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n 400 && exec \"$@\"", "bash",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.kapi.cli.Main", "proxy", "--port=0",
        "--admin-address=127.0.0.1:0", "--server=" + api.url(), "--certificate-authority=" + api.caFile(),
        "--token-file=" + token));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    List<Socket> clients = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Starting to serve on")
          || !p.isAlive());
      Matcher serving = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(out));
      assertThat(serving.find()).as(Files.readString(err)).isTrue();
      int port = Integer.parseInt(serving.group(1));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest version = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
          .timeout(Duration.ofSeconds(10)).build();
      assertThat(http.send(version, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      for (int i = 0; i < 600; i++) { // the kernel queues what the proxy cannot accept
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        clients.add(s);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(err).contains("Too many open files")
          || !p.isAlive());
      assertThat(p.isAlive()).as("still running: " + Files.readString(err)).isTrue();
      for (Socket s : clients) {
        s.close();
      }
      clients.clear();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> http.send(version, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      assertThat(p.isAlive()).isTrue();
      assertThat(Files.readString(err)).doesNotContain("ExceptionInInitializerError");
    } finally {
      for (Socket s : clients) {
        s.close();
      }
      p.destroyForcibly();
    }
  }
}
