package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.config.Credentials;
import dev.kapi.config.CredentialsUnavailableException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

  private static final Credentials TOKEN = Credentials.staticToken("sa-token");
  private final HeaderRewriter rewriter = new HeaderRewriter("10.0.0.1:443", false, "kapi/test");

  private static HttpHeaders headers(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void setsHostAndAddsTheProxysCredential() {
    HttpHeaders h = headers("Host", "localhost:8001", "Accept", "application/json");
    String sent = rewriter.rewriteRequest(h, false, TOKEN);
    assertThat(sent).isEqualTo("Bearer sa-token");
    assertThat(h.get("Host")).isEqualTo("10.0.0.1:443");
    assertThat(h.get("Authorization")).isEqualTo("Bearer sa-token");
    assertThat(h.get("Accept")).isEqualTo("application/json");
    assertThat(h.get("User-Agent")).isEqualTo("kapi/test");
  }

  @Test
  void theClientsOwnAuthorizationWins() {
    HttpHeaders h = headers("Authorization", "Bearer mine", "User-Agent", "kubectl/v1.32");
    assertThat(rewriter.rewriteRequest(h, false, TOKEN)).isNull();
    assertThat(h.getAll("Authorization")).containsExactly("Bearer mine");
    assertThat(h.get("User-Agent")).isEqualTo("kubectl/v1.32");
  }

  @Test
  void removesHopByHopHeadersIncludingThoseNamedInConnection() {
    HttpHeaders h = headers("Connection", "keep-alive, X-Secret-Hop", "X-Secret-Hop", "1", "Keep-Alive", "timeout=5",
        "Proxy-Connection", "keep-alive", "TE", "trailers", "Upgrade", "h2c", "Proxy-Authorization", "Basic x",
        "Transfer-Encoding", "chunked", "Trailer", "X-Checksum", "Accept-Encoding", "gzip");
    rewriter.rewriteRequest(h, false, TOKEN);
    assertThat(h.names()).containsExactlyInAnyOrder("Host", "Authorization", "User-Agent", "Transfer-Encoding",
        "Trailer", "Accept-Encoding");
    assertThat(h.get("Transfer-Encoding")).isEqualTo("chunked"); // the body's framing on our hop
  }

  @Test
  void keepsTheUpgradeHandshakeOnUpgrades() {
    HttpHeaders h = headers("Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Key", "abc",
        "Sec-WebSocket-Version", "13", "Sec-WebSocket-Protocol", "v5.channel.k8s.io, v4.channel.k8s.io",
        "X-Stream-Protocol-Version", "v4.channel.k8s.io");
    rewriter.rewriteRequest(h, true, TOKEN);
    assertThat(h.get("Connection")).isEqualTo("Upgrade");
    assertThat(h.get("Upgrade")).isEqualTo("websocket");
    assertThat(h.get("Sec-WebSocket-Key")).isEqualTo("abc");
    assertThat(h.get("Sec-WebSocket-Protocol")).isEqualTo("v5.channel.k8s.io, v4.channel.k8s.io");
    assertThat(h.get("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
  }

  @Test
  void stripsIdentityAndForwardingHeaders() {
    HttpHeaders h = headers("Impersonate-User", "admin", "impersonate-group", "system:masters",
        "Impersonate-Uid", "1", "Impersonate-Extra-Scopes", "x", "X-Remote-User", "admin", "x-remote-group", "g",
        "X-Remote-Extra-Foo", "y", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-Host", "evil", "Forwarded", "for=x",
        "X-Real-Ip", "1.2.3.4", "Accept", "*/*");
    rewriter.rewriteRequest(h, false, TOKEN);
    assertThat(h.names()).containsExactlyInAnyOrder("Host", "Authorization", "User-Agent", "Accept");
  }

  @Test
  void passesImpersonationWhenAllowedButNeverForwardingHeaders() {
    HeaderRewriter allowing = new HeaderRewriter("h", true, "ua");
    HttpHeaders h = headers("Impersonate-User", "admin", "X-Remote-User", "a", "X-Forwarded-For", "1.2.3.4",
        "Connection", "Upgrade", "Sec-WebSocket-Protocol", "base64url.bearer.authorization.k8s.io.dG9r, v5.channel.k8s.io");
    allowing.rewriteRequest(h, true, TOKEN);
    assertThat(h.get("Impersonate-User")).isEqualTo("admin");
    assertThat(h.get("X-Remote-User")).isEqualTo("a");
    assertThat(h.contains("X-Forwarded-For")).isFalse();
    assertThat(h.get("Sec-WebSocket-Protocol")).contains("base64url.bearer.authorization.k8s.io.dG9r");
  }

  @Test
  void removesBearerTokensFromTheWebSocketSubprotocolList() {
    HttpHeaders h = headers("Connection", "Upgrade", "Sec-WebSocket-Protocol",
        "base64url.bearer.authorization.k8s.io.c2VjcmV0, v5.channel.k8s.io",
        "Sec-WebSocket-Protocol", "Base64Url.Bearer.Authorization.K8s.Io.eA, v4.channel.k8s.io");
    rewriter.rewriteRequest(h, true, TOKEN);
    assertThat(h.getAll("Sec-WebSocket-Protocol")).containsExactly("v5.channel.k8s.io, v4.channel.k8s.io");
  }

  @Test
  void aTokenBehindUnicodeSpaceIsRemovedTooAsTheApiServerTrimsThemAndTakesIt() {
    // UTF-8 no-break space, next line and ideographic space, as Netty hands header bytes over (one char per byte)
    for (String space : new String[] {"\u00c2\u00a0", "\u00c2\u0085", "\u00e3\u0080\u0080"}) {
      HttpHeaders h = headers("Connection", "Upgrade", "Sec-WebSocket-Protocol",
          space + "base64url.bearer.authorization.k8s.io.c2VjcmV0, v5.channel.k8s.io");
      rewriter.rewriteRequest(h, true, TOKEN);
      assertThat(h.getAll("Sec-WebSocket-Protocol")).containsExactly("v5.channel.k8s.io");
    }
  }

  @Test
  void dropsTheSubprotocolHeaderWhenOnlyATokenWasInIt() {
    HttpHeaders h = headers("Connection", "Upgrade", "Sec-WebSocket-Protocol",
        "base64url.bearer.authorization.k8s.io.c2VjcmV0");
    rewriter.rewriteRequest(h, true, TOKEN);
    assertThat(h.contains("Sec-WebSocket-Protocol")).isFalse();
  }

  @Test
  void anUnavailableCredentialIsAnError() {
    Credentials broken = new Credentials() {
      @Override
      public Optional<String> authorization() {
        throw new CredentialsUnavailableException("/var/run/token", "does not exist");
      }

      @Override
      public boolean refreshAfterUnauthorized(String rejected) {
        return false;
      }

      @Override
      public String describe() {
        return "broken";
      }
    };
    assertThatThrownBy(() -> new HeaderRewriter("h", false, "ua").rewriteRequest(headers(), false, broken))
        .isInstanceOf(CredentialsUnavailableException.class).hasMessageContaining("does not exist");
  }

  @Test
  void removesOnlyHopByHopHeadersFromResponses() {
    HttpHeaders h = headers("Connection", "keep-alive, X-Hop", "X-Hop", "1", "Keep-Alive", "timeout=5",
        "Audit-Id", "a1", "Warning", "299 - \"deprecated\"", "Retry-After", "1", "ETag", "\"e\"",
        "Vary", "Accept-Encoding", "X-Kubernetes-Pf-Flowschema-Uid", "f", "X-Kubernetes-Pf-Prioritylevel-Uid", "p",
        "Content-Encoding", "gzip", "Transfer-Encoding", "chunked", "Proxy-Authenticate", "Basic");
    HeaderRewriter.rewriteResponse(h);
    assertThat(h.names()).containsExactlyInAnyOrder("Audit-Id", "Warning", "Retry-After", "ETag", "Vary",
        "X-Kubernetes-Pf-Flowschema-Uid", "X-Kubernetes-Pf-Prioritylevel-Uid", "Content-Encoding",
        "Transfer-Encoding");
  }
}
