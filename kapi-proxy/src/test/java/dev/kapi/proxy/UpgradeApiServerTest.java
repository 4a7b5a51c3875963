package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.TlsSettings;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * exec against the real API server. With no kubelet there is no 101; what matters here is that the API server's
 * own refusal reaches the client unchanged, since kubectl's WebSocket-to-SPDY fallback and the user's error message
 * depend on it. (The 101 tunnel itself is covered by UpgradeTunnelTest.)
 */
@ExtendWith(ApiServerExtension.class)
class UpgradeApiServerTest {

  private static final FilterRules ALLOW_EXEC = FilterRules.parse(FilterRules.DEFAULT_ACCEPT_PATHS, "",
      FilterRules.DEFAULT_ACCEPT_HOSTS, FilterRules.DEFAULT_REJECT_METHODS);

  @Test
  void webSocketAndSpdyExecRefusalsAreRelayedVerbatim(ApiServer api) throws Exception {
    String ns = api.uniqueNamespace("exec");
    List<ApiServer.Rule> rules = List.of(ApiServer.Rule.of("", List.of("pods", "pods/exec"), "get", "create"));
    try (PodProxy p = PodProxy.start(api, ns, "app", rules, b -> b.filter(ALLOW_EXEC))) {
      String target = "/api/v1/namespaces/" + ns + "/pods/nosuchpod/exec?command=ls&stdout=true";
      String webSocket = "GET " + target + " HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n%s\r\n";
      String spdy = "POST " + target + " HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
          + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n%s\r\n";
      for (String template : List.of(webSocket, spdy)) {
        RawHttp.Response viaProxy = RawHttp.exchange(p.port(), String.format(template, "localhost", ""));
        String direct = directRaw(api, String.format(template, "127.0.0.1:" + api.port(),
            "Authorization: Bearer " + p.pod.token() + "\r\nConnection: close\r\n"));
        assertThat(viaProxy.code()).isEqualTo(404);
        assertThat(direct).startsWith(viaProxy.statusLine() + "\r\n");
        assertThat(direct).endsWith("\r\n\r\n" + viaProxy.bodyText());
        assertThat(viaProxy.bodyText()).contains("pods \\\"nosuchpod\\\" not found");
      }
    }
  }

  /** The request written raw over TLS straight to the API server; the whole response as text. */
  private static String directRaw(ApiServer api, String request) throws Exception {
    try (SSLSocket s = (SSLSocket) TlsSettings.trustCaFile(api.caFile()).sslContext().getSocketFactory()
        .createSocket("127.0.0.1", api.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
