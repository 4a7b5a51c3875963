package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.ClientCertificate;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.CredentialsUnavailableException;
import dev.kapi.config.TlsSettings;
import dev.kapi.config.TokenFile;
import dev.kapi.testing.PodView;
import dev.kapi.testing.TestPki;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the proxy does around the API server's answers, against a local upstream that can be made to hang, drop a
 * connection mid-body, present the wrong certificate or answer 401: each failure mode, and the HTTP/1.1 details
 * (pooling, pipelining, Expect, HEAD, HTTP/1.0) that must not break streaming.
 */
class ProxyBehaviourTest {

  private FakeUpstream upstream;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static void ok(ChannelHandlerContext ctx, String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set("Content-Type", "application/json").setInt("Content-Length", r.content().readableBytes());
    ctx.writeAndFlush(r);
  }

  /** An API server that accepts only "Bearer new" ({@link RotatingCredentials}' refreshed token) and refuses the rest. */
  private static FakeUpstream.Behaviour onlyTheNewToken(String body) {
    return (ctx, req) -> {
      if ("Bearer new".equals(req.headers().get("Authorization"))) {
        ok(ctx, body);
      } else {
        FakeUpstream.unauthorized(ctx);
      }
    };
  }

  private void start(FakeUpstream.Behaviour b, Credentials credentials, ProxyConfigCustomizer c) throws Exception {
    upstream = new FakeUpstream(b);
    ProxyConfig.Builder builder = ProxyConfig.builder(upstream.cluster(credentials)).port(0);
    c.customize(builder);
    proxy = ProxyServer.start(builder.build());
  }

  interface ProxyConfigCustomizer {
    void customize(ProxyConfig.Builder b);
  }

  @Test
  void answers504WhenTheApiServerSendsNoHeadersInTime() throws Exception {
    start((ctx, req) -> { }, Credentials.none(), b -> b.responseHeaderTimeout(Duration.ofMillis(300)));
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api/v1/namespaces", "localhost");
    assertThat(r.code()).isEqualTo(504);
    assertThat(r.bodyText()).contains("\"reason\":\"Timeout\"").contains("sent no response headers within 300ms");
  }

  @Test
  void namesItsWildcardAddressInTheShortFormKubectlPrints() throws Exception {
    start((ctx, req) -> ok(ctx, "{}"), Credentials.none(), b -> b.listen(Listen.tcp("0.0.0.0", 0)));
    // dual-stack where the host has IPv6, as Go's listener is: "[::]:PORT", not "[0:0:0:0:0:0:0:0]:PORT"
    assertThat(proxy.servingOn()).matches("(\\[::]|0\\.0\\.0\\.0):" + proxy.port());
  }

  @Test
  void aZeroHeaderTimeoutWaitsForTheApiServer() throws Exception {
    // --request-timeout=0: the API server answers after half a second, later than the 300 ms that got a 504 above
    start((ctx, req) -> ctx.executor().schedule(() -> ok(ctx, "{\"kind\":\"NamespaceList\"}"), 500,
        TimeUnit.MILLISECONDS), Credentials.none(), b -> b.responseHeaderTimeout(Duration.ZERO));
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api/v1/namespaces", "localhost");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"kind\":\"NamespaceList\"}");
  }

  @Test
  void aWatchIsNeverCutByTheHeaderTimeout() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    AtomicReference<ChannelHandlerContext> held = new AtomicReference<>();
    start((ctx, req) -> {
      held.set(ctx);
      received.countDown();
    }, Credentials.none(), b -> b.responseHeaderTimeout(Duration.ofMillis(200)));
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("GET /api/v1/configmaps?watch=true HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(1000); // five header timeouts: a watch must still be waiting
      held.get().executor().execute(() -> ok(held.get(), "{\"type\":\"ADDED\"}\n"));
      RawHttp.Response r = c.readResponse(false);
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("{\"type\":\"ADDED\"}\n");
    }
  }

  @Test
  void cutsTheClientOffWithoutTheTerminatingChunkWhenTheApiServerDiesMidBody() throws Exception {
    start((ctx, req) -> {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set("Transfer-Encoding", "chunked").set("Content-Type", "application/json");
      ctx.write(head);
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("{\"type\":\"ADDED\"}\n", StandardCharsets.UTF_8)))
          .addListener(f -> ctx.channel().close());
    }, Credentials.none(), b -> { });
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api/v1/pods?watch=1", "localhost");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"type\":\"ADDED\"}\n");
    assertThat(r.complete()).as("a truncated stream must not look finished").isFalse();
  }

  @Test
  void answers503WithRetryAfterWhenTheApiServerIsUnreachable() throws Exception {
    int port = FreePorts.closed();
    proxy = ProxyServer.start(ProxyConfig.builder(ClusterConfig.builder().server("https://127.0.0.1:" + port).build())
        .port(0).build());
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyText()).contains("\"reason\":\"ServiceUnavailable\"")
        .contains("\"details\":{\"retryAfterSeconds\":1}")
        .contains("cannot connect to the API server https://127.0.0.1:" + port + ": Connection refused")
        .doesNotContain("at io.netty").doesNotContain("Exception");
  }

  @Test
  void namesTheFailedCertificateCheckWhenTheServerIsNotSignedByTheTrustedCa() throws Exception {
    upstream = new FakeUpstream((ctx, req) -> ok(ctx, "{}"));
    TestPki other = TestPki.create("some-other-ca");
    ClusterConfig cluster = ClusterConfig.builder().server("https://127.0.0.1:" + upstream.port())
        .tls(TlsSettings.builder().caPem(other.ca().certificatePem(), "test", "other CA").build()).build();
    proxy = ProxyServer.start(ProxyConfig.builder(cluster).port(0).build());
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.bodyText()).contains("TLS handshake with the API server https://127.0.0.1:" + upstream.port()
        + " failed: the server certificate (CN=localhost) is not signed by a CA in test other CA");
    // a second would not mend it: no Retry-After, so client-go shows this message at once instead of retrying 10 times
    assertThat(r.header("Retry-After")).isNull();
    assertThat(r.bodyText()).doesNotContain("retryAfterSeconds");
  }

  @Test
  void aShutdownLetsALogWithoutFollowFinishAndEndsAFollowedLogBetweenTwoLines() throws Exception {
    // only a response that never ends by itself (a watch, a followed log) is ended early, and cleanly; anything
    // else cut there would look complete to its client while missing its end
    CountDownLatch underWay = new CountDownLatch(2);
    start((ctx, req) -> { // twenty lines, 50 ms apart, chunked
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set("Content-Type", "text/plain").set("Transfer-Encoding", "chunked");
      ctx.writeAndFlush(head);
      for (int i = 0; i < 20; i++) {
        int n = i;
        ctx.executor().schedule(() -> {
          ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("line " + n + "\n", StandardCharsets.UTF_8)));
          if (n == 4) {
            underWay.countDown();
          } else if (n == 19) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          }
        }, 50L * (i + 1), TimeUnit.MILLISECONDS);
      }
    }, Credentials.none(), b -> { });
    try (RawHttp log = RawHttp.connect(proxy.port()); RawHttp followed = RawHttp.connect(proxy.port())) {
      log.send("GET /api/v1/namespaces/d/pods/p/log HTTP/1.1\r\nHost: localhost\r\n\r\n");
      followed.send("GET /api/v1/namespaces/d/pods/p/log?follow=true HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(underWay.await(10, TimeUnit.SECONDS)).isTrue();
      var shutdown = proxy.shutdownGracefully();
      RawHttp.Response whole = log.readResponse(false);
      RawHttp.Response ended = followed.readResponse(false);
      assertThat(whole.complete()).isTrue();
      assertThat(whole.bodyText().lines()).hasSize(20).endsWith("line 19");
      assertThat(ended.complete()).as("a clean end of stream").isTrue();
      assertThat(ended.bodyText().lines().count()).isBetween(5L, 19L);
      assertThat(ended.bodyText()).endsWith("\n");
      assertThat(shutdown.get(10, TimeUnit.SECONDS).forced()).isZero();
    }
  }

  @Test
  void anAnswerLostAfterAWriteWentUpstreamIsNoInvitationToSendItAgain() throws Exception {
    // the API server takes the request and the connection drops before any answer: a POST may have created its
    // object, and client-go resends whatever comes back 5xx with Retry-After, so only a GET gets one
    start((ctx, req) -> ctx.channel().close(), Credentials.none(), b -> { });
    RawHttp.Response post = RawHttp.exchange(proxy.port(), "POST /api/v1/namespaces/d/configmaps HTTP/1.1\r\n"
        + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertThat(post.code()).isEqualTo(503);
    assertThat(post.header("Retry-After")).isNull();
    assertThat(post.bodyText()).contains("closed the connection before answering; the POST request had been sent, so it"
        + " may have taken effect").doesNotContain("retryAfterSeconds");
    RawHttp.Response get = RawHttp.get(proxy.port(), "/api/v1/namespaces/d/configmaps", "localhost");
    assertThat(get.code()).isEqualTo(503);
    assertThat(get.header("Retry-After")).isEqualTo("1");
  }

  @Test
  void namesTheHostNameWhenTheCertificateIsForAnotherHost() throws Exception {
    TestPki.Issued onlyLocalhostName = FakeUpstream.PKI.server("localhost", List.of("localhost"), List.of());
    upstream = new FakeUpstream((ctx, req) -> ok(ctx, "{}"), onlyLocalhostName);
    proxy = ProxyServer.start(ProxyConfig.builder(upstream.cluster(Credentials.none())).port(0).build());
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.bodyText()).contains("TLS handshake with the API server").contains("127.0.0.1");
  }

  @Test
  void retriesOnceWithTheRefreshedCredentialAfterA401() throws Exception {
    RotatingCredentials creds = new RotatingCredentials();
    start(onlyTheNewToken("{\"kind\":\"APIVersions\"}"), creds, b -> { });
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"kind\":\"APIVersions\"}");
    assertThat(creds.refreshedWith.get()).isEqualTo("Bearer old");
    assertThat(upstream.nextRequest().headers().get("Authorization")).isEqualTo("Bearer old");
    assertThat(upstream.nextRequest().headers().get("Authorization")).isEqualTo("Bearer new");
  }

  @Test
  void aCredentialStillBeingFetchedStallsNobodyAndIs503WithRetryAfterUntilItArrives() throws Exception {
    // an exec plugin that hangs: the proxy asks without waiting, so everything else is served meanwhile (a request
    // with its own Authorization, another client); asking the waiting way would block this test's loop for good
    CountDownLatch pluginDone = new CountDownLatch(1);
    Credentials plugin = new Credentials() {
      @Override
      public Optional<String> authorization() {
        try {
          pluginDone.await(); // what a blocking caller would sit in
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Optional.of("Bearer from-plugin");
      }

      @Override
      public Optional<String> authorizationWithoutWaiting() {
        if (pluginDone.getCount() > 0) {
          throw new CredentialsUnavailableException("kubeconfig", "exec plugin aws has not returned a credential yet");
        }
        return Optional.of("Bearer from-plugin");
      }

      @Override
      public boolean refreshAfterUnauthorized(String rejected) {
        return false;
      }

      @Override
      public String describe() {
        return "exec plugin aws";
      }
    };
    start((ctx, req) -> ok(ctx, String.valueOf(req.headers().get("Authorization"))), plugin, b -> { });
    RawHttp.Response pending = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(pending.code()).isEqualTo(503);
    assertThat(pending.header("Retry-After")).isEqualTo("1"); // nothing went upstream: a retry is safe
    assertThat(pending.bodyText()).contains("has not returned a credential yet");
    RawHttp.Response own = RawHttp.exchange(proxy.port(), "GET /api HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer mine\r\nConnection: close\r\n\r\n");
    assertThat(own.bodyText()).isEqualTo("Bearer mine");
    pluginDone.countDown();
    assertThat(RawHttp.get(proxy.port(), "/api", "localhost").bodyText()).isEqualTo("Bearer from-plugin");
  }

  @Test
  void aRefusedClientCertificateRetiresThePooledConnectionsAndAGetIsReplayedWithTheRenewedOne(@TempDir Path dir)
      throws Exception {
    // the certificate on disk was renewed and the old one expired: pooled connections still present the old one,
    // and a resumed TLS session would too; the API server answers 401 to every request on them
    AtomicBoolean oldExpired = new AtomicBoolean();
    upstream = FakeUpstream.requiringClientCertificates((ctx, req) -> {
      String who = FakeUpstream.clientCommonName(ctx);
      if (who.contains("CN=old") && oldExpired.get()) {
        FakeUpstream.unauthorized(ctx);
      } else if (req.uri().startsWith("/slow")) {
        ctx.executor().schedule(() -> ok(ctx, who), 300, TimeUnit.MILLISECONDS);
      } else {
        ok(ctx, who);
      }
    });
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    FakeUpstream.PKI.client("old").write(cert, key);
    ClusterConfig cluster = ClusterConfig.builder().server("https://127.0.0.1:" + upstream.port())
        .tls(TlsSettings.builder().caPem(FakeUpstream.PKI.ca().certificatePem(), "test", "fake CA")
            .clientCertificate(ClientCertificate.fromFiles(cert, key, "test", "client-certificate", "client-key")).build())
        .build();
    proxy = ProxyServer.start(ProxyConfig.builder(cluster).port(0).build());
    try (RawHttp a = RawHttp.connect(proxy.port()); RawHttp b = RawHttp.connect(proxy.port())) {
      // two at once: two pooled connections that present the old certificate
      a.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
      b.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(a.readResponse(false).bodyText()).contains("CN=old");
      assertThat(b.readResponse(false).bodyText()).contains("CN=old");
    }

    TestPki.Issued renewed = FakeUpstream.PKI.client("new");
    Path newCert = dir.resolve("new.crt");
    Path newKey = dir.resolve("new.key");
    renewed.write(newCert, newKey); // renamed into place, as cert-manager and the kubelet do
    Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    oldExpired.set(true);

    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.bodyText()).contains("CN=new");
    // a POST is not replayed: two at once must not meet the other pooled connection with the old certificate
    try (RawHttp a = RawHttp.connect(proxy.port()); RawHttp b = RawHttp.connect(proxy.port())) {
      String post = "POST /slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
      a.send(post);
      b.send(post);
      assertThat(a.readResponse(false).bodyText()).contains("CN=new");
      assertThat(b.readResponse(false).bodyText()).contains("CN=new");
    }
  }

  @Test
  void a401ToAPostRefreshesTheCredentialForTheNextRequestWithoutReplayingThePost() throws Exception {
    // a body is not replayed (it may be gone, or applied), but the refused credential must not be kept until some
    // GET happens to meet a 401: kubectl re-reads after the first 401 whatever the method
    RotatingCredentials creds = new RotatingCredentials();
    start(onlyTheNewToken("{\"kind\":\"ConfigMap\"}"), creds, b -> { });
    String post = "POST /api/v1/namespaces/d/configmaps HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    RawHttp.Response first = RawHttp.exchange(proxy.port(), post);
    assertThat(first.code()).isEqualTo(401);
    assertThat(first.bodyText()).isEqualTo("{\"code\":401}"); // relayed, not replayed
    assertThat(creds.refreshedWith.get()).isEqualTo("Bearer old");
    assertThat(upstream.nextRequest().headers().get("Authorization")).isEqualTo("Bearer old");
    RawHttp.Response second = RawHttp.exchange(proxy.port(), post);
    assertThat(second.code()).isEqualTo(200);
    assertThat(upstream.nextRequest().headers().get("Authorization")).isEqualTo("Bearer new");
  }

  @Test
  void aRequestSentAfterTheKubeletSwapsTheTokenCarriesTheNewOneWhileOtherRequestsKeepTheProxyBusy(@TempDir Path dir)
      throws Exception {
    PodView pod = PodView.files(dir.resolve("serviceaccount"), "t-0", "CA", "default");
    start((ctx, req) -> ok(ctx, String.valueOf(req.headers().get("Authorization"))), new TokenFile(pod.tokenFile()),
        b -> { });
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    List<Thread> load = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        try (RawHttp h = RawHttp.connect(proxy.port())) {
          while (running.get()) {
            h.send("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
            if (h.readResponse(false).code() == 200) {
              served.incrementAndGet();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "keep-alive-load-" + i);
      t.start();
      load.add(t);
    }
    try {
      for (int i = 1; i <= 40; i++) {
        pod.rotateToken("t-" + i);
        RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
        assertThat(r.bodyText()).as("the request right after swap %d", i).isEqualTo("Bearer t-" + i);
      }
    } finally {
      running.set(false);
      for (Thread t : load) {
        t.join(10_000);
      }
    }
    assertThat(served.get()).as("requests served beside the swaps").isGreaterThan(40);
  }

  @Test
  void answers503NamingTheTokenFileWhenTheCredentialIsUnavailable() throws Exception {
    Credentials missing = new Credentials() {
      @Override
      public Optional<String> authorization() {
        throw new CredentialsUnavailableException("/var/run/secrets/kubernetes.io/serviceaccount/token",
            "does not exist");
      }

      @Override
      public boolean refreshAfterUnauthorized(String rejected) {
        return false;
      }

      @Override
      public String describe() {
        return "missing";
      }
    };
    start((ctx, req) -> ok(ctx, "{}"), missing, b -> { });
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.bodyText()).contains("kapi proxy has no credential for the API server: "
        + "/var/run/secrets/kubernetes.io/serviceaccount/token does not exist");
  }

  @Test
  void aTokenFileWithALineBreakInsideIs503NamingTheFileNotAnEmptyReply(@TempDir Path dir) throws Exception {
    // e.g. two tokens concatenated: no HTTP header can carry it, and the connection used to close with no answer
    Path token = java.nio.file.Files.writeString(dir.resolve("token"), "first-token\nsecond-token\n");
    start((ctx, req) -> ok(ctx, "{}"), new dev.kapi.config.TokenFile(token), b -> { });
    RawHttp.Response r = RawHttp.get(proxy.port(), "/api", "localhost");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.bodyText()).contains("kapi proxy has no credential for the API server: " + token
        + " holds a control character (U+000A) at position 11").doesNotContain("first-token");
  }

  @Test
  void stripsBorrowedIdentitiesAndKeepsTheClientsOwnAuthorization() throws Exception {
    start((ctx, req) -> ok(ctx, "{}"), Credentials.staticToken("sa-token"), b -> { });
    RawHttp.exchange(proxy.port(), "GET /api HTTP/1.1\r\nHost: localhost\r\nImpersonate-User: admin\r\n"
        + "Impersonate-Group: system:masters\r\nImpersonate-Extra-Scopes: all\r\nX-Remote-User: admin\r\n"
        + "X-Forwarded-For: 10.9.9.9\r\nConnection: close\r\n\r\n");
    FullHttpRequest first = upstream.nextRequest();
    assertThat(first.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("impersonate-")
        || n.toLowerCase().startsWith("x-remote-") || n.toLowerCase().startsWith("x-forwarded-"));
    assertThat(first.headers().get("Authorization")).isEqualTo("Bearer sa-token");
    RawHttp.exchange(proxy.port(), "GET /api HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer theirs\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(upstream.nextRequest().headers().getAll("Authorization")).containsExactly("Bearer theirs");
    // an empty first Authorization is no credential: kubectl's bearer round-tripper adds its token then, and so do we
    RawHttp.exchange(proxy.port(), "GET /api HTTP/1.1\r\nHost: localhost\r\nAuthorization: \r\n"
        + "Authorization: Bearer second\r\nConnection: close\r\n\r\n");
    assertThat(upstream.nextRequest().headers().getAll("Authorization")).containsExactly("Bearer sa-token");
  }

  @Test
  void readOnlyRefusesWritesAndExecButLetsReadsAndWatchesThrough() throws Exception {
    start((ctx, req) -> ok(ctx, "{}"), Credentials.none(), b -> b.readOnly(true)
        .filter(FilterRules.parse("^.*", "", FilterRules.DEFAULT_ACCEPT_HOSTS, "^$")));
    assertThat(RawHttp.exchange(proxy.port(), "DELETE /api/v1/namespaces/d HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n").bodyText()).contains("--read-only allows only GET, HEAD and OPTIONS");
    RawHttp.Response exec = RawHttp.exchange(proxy.port(), "GET /api/v1/namespaces/d/pods/p/exec HTTP/1.1\r\n"
        + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    assertThat(exec.code()).isEqualTo(403);
    assertThat(exec.bodyText()).contains("no upgrades except WebSocket watches");
    // parsed as a watch, but of a subresource; and a watch upgraded to SPDY is no WebSocket watch
    for (String upgrade : new String[] {
        "GET /api/v1/watch/namespaces/d/pods/p/portforward HTTP/1.1\r\nUpgrade: websocket\r\n",
        "GET /api/v1/namespaces/d/pods?watch=1 HTTP/1.1\r\nUpgrade: SPDY/3.1\r\n"}) {
      assertThat(RawHttp.exchange(proxy.port(), upgrade + "Host: localhost\r\nConnection: Upgrade\r\n\r\n").code())
          .as(upgrade).isEqualTo(403);
    }
    assertThat(RawHttp.get(proxy.port(), "/api/v1/pods?watch=true", "localhost").code()).isEqualTo(200);
    assertThat(upstream.requests).hasSize(1);
  }

  @Test
  void reusesOneUpstreamConnectionForSequentialRequests() throws Exception {
    ConnectionCounter counter = new ConnectionCounter();
    start((ctx, req) -> {
      counter.seen(ctx);
      ok(ctx, "{\"n\":1}");
    }, Credentials.none(), b -> { });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      for (int i = 0; i < 20; i++) {
        c.send("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(c.readResponse(false).bodyText()).isEqualTo("{\"n\":1}");
      }
    }
    assertThat(counter.channels()).isEqualTo(1);
  }

  @Test
  void retriesAnIdempotentRequestOnceWhenAPooledConnectionWasClosedByTheServer() throws Exception {
    // the server closes every connection right after answering, without saying so: a stale pooled connection
    start((ctx, req) -> {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
      r.headers().setInt("Content-Length", 2);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }, Credentials.none(), b -> { });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      for (int i = 0; i < 5; i++) {
        c.send("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        RawHttp.Response r = c.readResponse(false);
        assertThat(r.code()).as("request %d", i).isEqualTo(200);
      }
    }
  }

  @Test
  void servesPipelinedRequestsInOrder() throws Exception {
    start((ctx, req) -> ok(ctx, "{\"uri\":\"" + req.uri() + "\"}"), Credentials.none(), b -> { });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\n\r\n"
          + "GET /c HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(c.readResponse(false).bodyText()).isEqualTo("{\"uri\":\"/a\"}");
      assertThat(c.readResponse(false).bodyText()).isEqualTo("{\"uri\":\"/b\"}");
      assertThat(c.readResponse(false).bodyText()).isEqualTo("{\"uri\":\"/c\"}");
    }
  }

  @Test
  void answersExpectContinueItselfAndStreamsTheBody() throws Exception {
    start((ctx, req) -> ok(ctx, "{\"got\":" + req.content().toString(StandardCharsets.UTF_8) + "}"),
        Credentials.none(), b -> { });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("POST /api/v1/namespaces/d/configmaps HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readResponse(false).code()).isEqualTo(100);
      c.send("{\"a\":1}");
      assertThat(c.readResponse(false).bodyText()).isEqualTo("{\"got\":{\"a\":1}}");
    }
    assertThat(upstream.nextRequest().headers().contains("Expect")).isFalse();
  }

  @Test
  void streamsAChunkedRequestBody() throws Exception {
    start((ctx, req) -> ok(ctx, req.content().toString(StandardCharsets.UTF_8)), Credentials.none(), b -> { });
    RawHttp.Response r = RawHttp.exchange(proxy.port(), "PUT /api/v1/namespaces/d HTTP/1.1\r\nHost: localhost\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assertThat(r.bodyText()).isEqualTo("abcde");
  }

  @Test
  void aRequestLineOrBodyCodingItCannotRelayFaithfullyIsRefused() throws Exception {
    start((ctx, req) -> ok(ctx, req.content().toString(StandardCharsets.UTF_8)), Credentials.none(), b -> { });
    // the gzip coding was dropped and the still-compressed bytes sent on as a plain body
    RawHttp.Response gzip = RawHttp.exchange(proxy.port(), "PUT /api/v1/namespaces/d HTTP/1.1\r\nHost: localhost\r\n"
        + "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    assertThat(gzip.code()).isEqualTo(501);
    assertThat(gzip.bodyText()).contains("\"reason\":\"NotImplemented\"").contains("gzip, chunked");
    RawHttp.Response h2 = RawHttp.exchange(proxy.port(), "GET /api HTTP/2.0\r\nHost: localhost\r\n\r\n");
    assertThat(h2.code()).isEqualTo(505);
    // "localhost:1@evil.example" had its "port" stripped and passed as localhost; Go's server answers 400
    RawHttp.Response host = RawHttp.exchange(proxy.port(), "GET /api HTTP/1.1\r\nHost: localhost:1@evil.example\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(host.code()).isEqualTo(400);
    assertThat(host.bodyText()).contains("invalid Host header");
    assertThat(upstream.requests).isEmpty();
  }

  @Test
  void headResponsesCarryNoBodyAndKeepTheConnectionUsable() throws Exception {
    start((ctx, req) -> {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set("Transfer-Encoding", "chunked");
      ctx.write(head);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }, Credentials.none(), b -> { });
    try (RawHttp c = RawHttp.connect(proxy.port())) {
      c.send("HEAD /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(c.readResponse(true).code()).isEqualTo(200);
      c.send("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttp.Response r = c.readResponse(false);
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.complete()).isTrue();
    }
  }

  @Test
  void answersAnHttp10ClientWithACloseDelimitedBody() throws Exception {
    start((ctx, req) -> {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set("Transfer-Encoding", "chunked");
      ctx.write(head);
      ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }, Credentials.none(), b -> { });
    RawHttp.Response r = RawHttp.exchange(proxy.port(), "GET /api HTTP/1.0\r\nHost: localhost\r\n\r\n");
    assertThat(r.header("Transfer-Encoding")).isNull();
    assertThat(r.bodyText()).isEqualTo("hello");
  }

  /** Counts the distinct upstream connections requests arrived on. */
  static final class ConnectionCounter {
    private final ConcurrentHashMap<Object, Boolean> seen = new ConcurrentHashMap<>();

    void seen(ChannelHandlerContext ctx) {
      seen.put(ctx.channel().id(), true);
    }

    int channels() {
      return seen.size();
    }
  }

  /** A token that is "old" until a 401 is reported, then "new" (a token file the kubelet rotated). */
  static final class RotatingCredentials implements Credentials {
    final AtomicReference<String> refreshedWith = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();

    @Override
    public Optional<String> authorization() {
      return Optional.of(generation.get() == 0 ? "Bearer old" : "Bearer new");
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
      refreshedWith.set(rejected);
      generation.incrementAndGet();
      return true;
    }

    @Override
    public String describe() {
      return "rotating test token";
    }
  }
}
