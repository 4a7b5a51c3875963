package dev.kapi.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes admin requests: {@code /livez}, {@code /readyz} (also {@code /livez/<check>}), {@code /metrics}. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final AdminRoutes routes;

  AdminHandler(AdminRoutes routes) {
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean head = req.method().equals(HttpMethod.HEAD);
    if (!head && !req.method().equals(HttpMethod.GET)) {
      respond(ctx, keepAlive, head, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, bytes("only GET and HEAD\n"));
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    Map<String, List<String>> q = uri.parameters();
    if (path.equals("/metrics")) {
      List<String> names = q.getOrDefault("name[]", List.of());
      respond(ctx, keepAlive, head, HttpResponseStatus.OK, MetricsEndpoint.CONTENT_TYPE, routes.metrics().scrape(names));
      return;
    }
    HealthEndpoint endpoint = path.equals("/livez") || path.startsWith("/livez/") ? routes.livez()
        : path.equals("/readyz") || path.startsWith("/readyz/") ? routes.readyz() : null;
    if (endpoint == null) {
      respond(ctx, keepAlive, head, HttpResponseStatus.NOT_FOUND, TEXT,
          bytes("404 page not found: the admin listener serves /livez, /readyz and /metrics;"
              + " API paths go to the proxy's own address\n"));
      return;
    }
    Set<String> exclude = new HashSet<>(q.getOrDefault("exclude", List.of()));
    String prefix = "/" + endpoint.name() + "/";
    if (path.startsWith(prefix)) {
      String only = path.substring(prefix.length());
      if (!endpoint.checkNames().contains(only)) {
        respond(ctx, keepAlive, head, HttpResponseStatus.NOT_FOUND, TEXT, bytes("no check named \"" + only + "\"\n"));
        return;
      }
      endpoint.checkNames().stream().filter(n -> !n.equals(only)).forEach(exclude::add);
    }
    boolean verbose = q.containsKey("verbose");
    endpoint.run(exclude).whenComplete((report, err) -> {
      if (err != null) {
        LOG.warn("{} failed to run: {}", endpoint.name(), err.toString());
        respond(ctx, keepAlive, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, bytes("internal error\n"));
        return;
      }
      if (!report.ok()) {
        LOG.info("{} failing: {}", endpoint.name(), report.body(true).strip().replace('\n', ';'));
      }
      respond(ctx, keepAlive, head, HttpResponseStatus.valueOf(report.httpStatus()), TEXT, bytes(report.body(verbose)));
    });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, boolean head, HttpResponseStatus status,
      String contentType, byte[] body) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private")
        .set("X-Content-Type-Options", "nosniff");
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("admin connection failed: {}", cause.toString());
    ctx.close();
  }
}
