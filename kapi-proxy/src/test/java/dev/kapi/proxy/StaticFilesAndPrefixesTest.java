package dev.kapi.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.ClusterConfig;
import dev.kapi.config.Credentials;
import dev.kapi.config.TlsSettings;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --www, --www-prefix, --api-prefix and --append-server-path, end to end (the upstream echoes the path it got). */
class StaticFilesAndPrefixesTest {

  @TempDir
  Path www;
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

  private void start(String serverPath, java.util.function.Consumer<ProxyConfig.Builder> c) throws Exception {
    upstream = new FakeUpstream((ctx, req) -> {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer("upstream:" + req.uri(), StandardCharsets.UTF_8));
      r.headers().setInt("Content-Length", r.content().readableBytes());
      ctx.writeAndFlush(r);
    });
    ClusterConfig cluster = ClusterConfig.builder().server("https://127.0.0.1:" + upstream.port() + serverPath)
        .tls(TlsSettings.builder().caPem(FakeUpstream.PKI.ca().certificatePem(), "test", "ca").build())
        .credentials(Credentials.none()).build();
    ProxyConfig.Builder b = ProxyConfig.builder(cluster).port(0);
    c.accept(b);
    proxy = ProxyServer.start(b.build());
  }

  private String get(String target) throws Exception {
    RawHttp.Response r = RawHttp.get(proxy.port(), target, "localhost");
    return r.code() + " " + r.bodyText();
  }

  @Test
  void servesStaticFilesUnderTheWwwPrefixAndTheApiEverywhereElse() throws Exception {
    Files.writeString(www.resolve("index.html"), "<h1>home</h1>");
    Files.createDirectories(www.resolve("js"));
    Files.writeString(www.resolve("js/app.js"), "console.log(1)");
    start("", b -> b.www(www));
    RawHttp.Response file = RawHttp.get(proxy.port(), "/static/js/app.js", "localhost");
    assertThat(file.code()).isEqualTo(200);
    assertThat(file.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(file.bodyText()).isEqualTo("console.log(1)");
    assertThat(get("/static/")).isEqualTo("200 <h1>home</h1>");
    RawHttp.Response dir = RawHttp.get(proxy.port(), "/static/js", "localhost");
    assertThat(dir.code()).isEqualTo(301);
    assertThat(dir.header("Location")).isEqualTo("/static/js/");
    assertThat(get("/static/js/")).contains("<a href=\"app.js\">app.js</a>");
    // as Go's file server: a file named as a directory, and index.html by name, redirect (relative Locations)
    RawHttp.Response slashed = RawHttp.get(proxy.port(), "/static/js/app.js/", "localhost");
    assertThat(slashed.code()).isEqualTo(301);
    assertThat(slashed.header("Location")).isEqualTo("../app.js");
    RawHttp.Response index = RawHttp.get(proxy.port(), "/static/index.html", "localhost");
    assertThat(index.code()).isEqualTo(301);
    assertThat(index.header("Location")).isEqualTo("./");
    assertThat(get("/static/missing.txt")).startsWith("404 ").contains("\"reason\":\"NotFound\"");
    // conditional and partial GETs, as Go's file server answers them for kubectl
    String lastModified = file.header("Last-Modified");
    RawHttp.Response unchanged = RawHttp.exchange(proxy.port(), "GET /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "If-Modified-Since: " + lastModified + "\r\nConnection: close\r\n\r\n");
    assertThat(unchanged.code()).isEqualTo(304);
    assertThat(unchanged.bodyText()).isEmpty();
    for (String[] c : new String[][] {{"bytes=0-6", "console", "bytes 0-6/14"}, {"bytes=8-", "log(1)", "bytes 8-13/14"},
        {"bytes=-3", "(1)", "bytes 11-13/14"}}) {
      RawHttp.Response part = RawHttp.exchange(proxy.port(), "GET /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
          + "Range: " + c[0] + "\r\nConnection: close\r\n\r\n");
      assertThat(part.code()).as(c[0]).isEqualTo(206);
      assertThat(part.bodyText()).isEqualTo(c[1]);
      assertThat(part.header("Content-Range")).isEqualTo(c[2]);
    }
    RawHttp.Response past = RawHttp.exchange(proxy.port(), "GET /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "Range: bytes=14-\r\nConnection: close\r\n\r\n");
    assertThat(past.code()).isEqualTo(416);
    assertThat(past.header("Content-Range")).isEqualTo("bytes */14");
    RawHttp.Response backwards = RawHttp.exchange(proxy.port(), "GET /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "Range: bytes=3-1\r\nConnection: close\r\n\r\n");
    assertThat(backwards.code()).as("a range that ends before it starts, as Go's file server").isEqualTo(416);
    RawHttp.Response post = RawHttp.exchange(proxy.port(), "POST /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Length: 0\r\n\r\n");
    assertThat(post.code()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
    RawHttp.Response head = RawHttp.exchange(proxy.port(), "HEAD /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(head.header("Content-Length")).isEqualTo("14");
    assertThat(RawHttp.exchange(proxy.port(), "POST /static/js/app.js HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n").code()).isEqualTo(405);
    assertThat(get("/api/v1/pods")).isEqualTo("200 upstream:/api/v1/pods");
    assertThat(RawHttp.get(proxy.port(), "/static/js/app.js", "evil.example").code())
        .as("the Host check covers static files").isEqualTo(403);
  }

  @Test
  void stripsACustomApiPrefixButNotOneStartingWithApi() throws Exception {
    start("", b -> b.apiPrefix("/custom"));
    assertThat(get("/custom/api/v1/pods?limit=1")).isEqualTo("200 upstream:/api/v1/pods?limit=1");
    assertThat(get("/api/v1/pods")).startsWith("404 ").contains("outside --api-prefix /custom/");
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.builder(proxy.config().cluster()).port(0).apiPrefix("/api/").build());
    assertThat(get("/api/v1/pods")).isEqualTo("200 upstream:/api/v1/pods");
    assertThat(get("/apis/batch/v1")).startsWith("404 ");
  }

  @Test
  void appendsTheServerPathOnlyWhenAsked() throws Exception {
    start("/k8s/clusters/c-1", b -> b.appendServerPath(true));
    assertThat(get("/api/v1/namespaces/d%C3%A9mo")).isEqualTo("200 upstream:/k8s/clusters/c-1/api/v1/namespaces/d%C3%A9mo");
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.builder(proxy.config().cluster()).port(0).build());
    assertThat(get("/api")).isEqualTo("200 upstream:/api");
  }

  @Test
  void aPrefixRootWithoutItsSlashIsRedirectedAsKubectlsServeMuxDoes() throws Exception {
    start("", b -> b.www(www).apiPrefix("/custom/"));
    for (String[] c : new String[][] {{"/static?x=1", "/static/?x=1"}, {"/custom", "/custom/"}}) {
      RawHttp.Response r = RawHttp.get(proxy.port(), c[0], "localhost");
      assertThat(r.code()).as(c[0]).isEqualTo(301);
      assertThat(r.header("Location")).isEqualTo(c[1]);
    }
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.builder(proxy.config().cluster()).www(www).port(0).build()); // api prefix "/"
    RawHttp.Response r = RawHttp.get(proxy.port(), "/static", "localhost");
    assertThat(r.code()).isEqualTo(301); // kubectl 1.32 too, though "/" would match
    assertThat(get("/stati")).isEqualTo("200 upstream:/stati");
  }

  @Test
  void withTheServersPathAppendedDenyExecAndReadOnlyReadThePathAsTheApiServerWill() throws Exception {
    // a server URL ending in /api: /v1/... from the client is /api/v1/... upstream
    start("/api", b -> b.appendServerPath(true).denyExec(true).disableFilter()); // --deny-exec alone
    assertThat(get("/v1/namespaces/d/pods/p/exec?command=ls")).startsWith("403 ").contains("--deny-exec");
    assertThat(get("/v1/namespaces/d/pods/p:8080/proxy/")).startsWith("403 ");
    assertThat(get("/v1/namespaces/d/configmaps")).isEqualTo("200 upstream:/api/v1/namespaces/d/configmaps");
    proxy.close();
    proxy = ProxyServer.start(ProxyConfig.builder(proxy.config().cluster()).appendServerPath(true).readOnly(true)
        .port(0).build());
    RawHttp.Response watch = RawHttp.exchange(proxy.port(), "GET /v1/namespaces/d/configmaps?watch=true HTTP/1.1\r\n"
        + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    assertThat(watch.code()).as("a WebSocket watch is allowed by --read-only").isNotEqualTo(403);
    proxy.close();
    // kubectl's default --reject-paths (^/api/.*/pods/.*/exec) is written for the Kubernetes path: it holds here too
    proxy = ProxyServer.start(ProxyConfig.builder(proxy.config().cluster()).appendServerPath(true).port(0).build());
    for (String exec : new String[] {"/v1/namespaces/d/pods/p/exec?command=ls", "/v1/namespaces/d/pods/p/attach/"}) {
      assertThat(get(exec)).as(exec).startsWith("403 ").contains("(with the server URL's path) matches --reject-paths");
    }
    assertThat(get("/v1/namespaces/d/pods/p/log")).isEqualTo("200 upstream:/api/v1/namespaces/d/pods/p/log");
  }

  @Test
  void keepaliveZeroMeansTheDefaultPeriodAndNegativeMeansOff() {
    ClusterConfig c = ClusterConfig.builder().server("https://127.0.0.1:1").build();
    assertThat(ProxyConfig.builder(c).build().effectiveKeepAlive()).contains(Duration.ofSeconds(30));
    assertThat(ProxyConfig.builder(c).keepAlive(Duration.ofSeconds(5)).build().effectiveKeepAlive())
        .contains(Duration.ofSeconds(5));
    assertThat(ProxyConfig.builder(c).keepAlive(Duration.ofSeconds(-1)).build().effectiveKeepAlive())
        .isEqualTo(Optional.empty());
  }
}
