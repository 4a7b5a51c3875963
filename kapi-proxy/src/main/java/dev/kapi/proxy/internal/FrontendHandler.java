package dev.kapi.proxy.internal;

import dev.kapi.config.CredentialsUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import dev.kapi.proxy.Limits;
import dev.kapi.proxy.discovery.DiscoveryCache;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.load.LoadDecision;
import dev.kapi.proxy.observe.ObservedExchange;
import dev.kapi.proxy.observe.Rejection;
import dev.kapi.proxy.observe.UpstreamFailure;
import dev.kapi.proxy.policy.PolicyDecision;
import dev.kapi.proxy.policy.RequestInfo;
import dev.kapi.proxy.policy.RequestInfoParser;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Takes each request through the request path in order (canonicalise → route → filter →
 * classify → rewrite headers) and hands it to an {@link Exchange}, one at a time; requests a client pipelines
 * behind it wait in a queue until that exchange is finished.
 *
 * <p>Reading is on by default and switched off only when something must wait: the API server cannot take more of
 * a request body, a tunnel's far side is full, or a client has pipelined too many requests. (Requesting every read
 * explicitly would cost two {@code epoll_ctl} calls per request on each side.)
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements GracefulShutdown.Connection {

  private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
  private static final int MAX_PENDING = 16;

  private final ProxyContext px;
  private final FrontendCodec.RequestDecoder decoder;
  private final FrontendCodec.ResponseEncoder encoder;
  private ChannelHandlerContext ctx;
  private Exchange current;
  private ObservedExchange seen; // the current request as metrics and the access log see it
  private boolean currentRequestComplete;
  private volatile boolean tunnel;
  private volatile boolean draining; // graceful shutdown: finish what is in flight, take nothing new
  private boolean closing;
  private boolean cutByShutdown;
  private boolean failed; // exceptionCaught has logged this connection's failure
  private boolean streamWaterMark; // the client's queue is the smaller one of a stream (ProxyChannels)
  private ArrayDeque<Object> pending;
  private String lastHost;
  private FilterDecision lastHostDecision;

  FrontendHandler(ProxyContext px, FrontendCodec.RequestDecoder decoder, FrontendCodec.ResponseEncoder encoder) {
    this.px = px;
    this.decoder = decoder;
    this.encoder = encoder;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    px.ops.shutdown.register(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (current != null) {
      if (msg instanceof ByteBuf b) {
        current.clientBytes(b); // behind an upgrade request, or in the tunnel
        return;
      }
      if (!currentRequestComplete && msg instanceof HttpContent c) {
        if (c.decoderResult().isFailure()) {
          refusedBody(c);
          return;
        }
        if (c instanceof LastHttpContent) {
          currentRequestComplete = true;
        }
        current.clientContent(c);
        return;
      }
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(msg); // a pipelined request: after this one
      if (pending.size() >= MAX_PENDING) {
        pauseReading(); // a client pipelining without reading answers gets no further ahead
      }
      return;
    }
    if (msg instanceof HttpRequest req) {
      start(req);
    } else if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
      // the unreadable or oversized rest of a body already answered: the connection's framing is lost
      ReferenceCountUtil.release(msg);
      closing = true;
      closeOnFlush(ctx.channel());
    } else {
      ReferenceCountUtil.release(msg); // the rest of a request that was already answered
    }
  }

  /**
   * The decoder could not read the body (Netty ends it with a failed LastHttpContent), or RequestLimits cut it at
   * --max-request-body-bytes: the rest never goes upstream.
   */
  private void refusedBody(HttpContent c) {
    Throwable cause = c.decoderResult().cause();
    c.release();
    currentRequestComplete = true;
    closing = true; // what the decoder passes after this is not HTTP any more
    pauseReading();
    Exchange ex = current;
    ex.clientBodyRefused(cause instanceof RequestLimits.BodyTooLarge tooLarge ? BodyRefusal.tooLarge(tooLarge.getMessage())
        : BodyRefusal.malformed(cause == null ? "malformed chunk" : cause.getMessage()));
    if (current == ex) {
      current = null;
      closeOnFlush(ctx.channel()); // an exchange that could not answer: nothing but the close is left
    }
    releasePending();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    Exchange c = current;
    current = null;
    if (c != null) {
      if (cutByShutdown && seen != null) {
        seen.aborted("cut off when --shutdown-grace ended"); // the first end counts; the exchange's own is ignored
      }
      c.clientClosed();
    }
    releasePending();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof RequestLimits.HeadersTooSlow slow && current == null && !closing) {
      encoder.respondingToHead(false);
      seen = UnreadRequest.observe(px.ops.exchanges, new Rejection(Rejection.LIMIT, Limits.HEADER_READ_TIMEOUT));
      LocalExchange ex = new LocalExchange(this, ctx, false, seen);
      begin(ex, java.time.Duration.ZERO);
      ex.send(List.of(StatusResponses.status(ctx.alloc(), 408, "Timeout", slow.message(), 0)));
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failed) {
      return; // every write still queued to a client that reset fails too: one line per connection is enough
    }
    failed = true;
    if (cause instanceof IOException) {
      LOG.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.warn("client connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  // ---- the request path

  private void start(HttpRequest req) {
    currentRequestComplete = false;
    seen = null;
    encoder.respondingToHead(HttpMethod.HEAD.equals(req.method()));
    if (req.decoderResult().isFailure() && !ctx.channel().isActive()) {
      ReferenceCountUtil.release(req); // the client left mid-request: nobody to answer, nothing malformed to count
      return;
    }
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      int code = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431 : cause instanceof TooLongFrameException ? 413 : 400;
      // RequestLimits words the limits (naming the flag); anything else is the decoder's complaint
      String message = cause instanceof TooLongFrameException && cause.getMessage().startsWith("kapi proxy")
          ? cause.getMessage() : "malformed HTTP request: " + cause.getMessage();
      // the access log names the limit a 414, 431 or 413 came from, as the limit metric does
      Rejection why = switch (code) {
        case 414 -> new Rejection(Rejection.LIMIT, Limits.REQUEST_TARGET_BYTES);
        case 431 -> new Rejection(Rejection.LIMIT, Limits.HEADER_BYTES);
        case 413 -> new Rejection(Rejection.LIMIT, Limits.REQUEST_BODY_BYTES);
        default -> new Rejection(Rejection.PATH, "malformed");
      };
      respond(req, StatusResponses.malformed(ctx.alloc(), code, message), true, why);
      return;
    }
    boolean upgrade = ExchangeKind.isUpgrade(req.headers());
    // RFC 9112 §3.2: exactly one Host on HTTP/1.1; with two, which one the filter checked would be anyone's guess
    int hosts = hostHeaders(req);
    if (hosts > 1 || (hosts == 0 && !HttpVersion.HTTP_1_0.equals(req.protocolVersion()))) {
      respond(req, StatusResponses.malformed(ctx.alloc(), 400, hosts > 1 ? "malformed HTTP request: more than one Host header"
          : "malformed HTTP request: an HTTP/1.1 request needs a Host header"), true,
          new Rejection(Rejection.PATH, "malformed"));
      return;
    }
    if (hosts == 1 && !RequestFilter.validHostHeader(req.headers().get(HttpHeaderNames.HOST))) {
      respond(req, StatusResponses.malformed(ctx.alloc(), 400, "malformed HTTP request: invalid Host header"), true,
          new Rejection(Rejection.PATH, "malformed"));
      return;
    }
    if (req.protocolVersion().majorVersion() != 1) {
      // "HTTP/2.0" on an HTTP/1 request line; Go's server (kubectl's) answers 505 too
      respond(req, StatusResponses.status(ctx.alloc(), 505, "HTTPVersionNotSupported", "kapi proxy speaks HTTP/1.x,"
          + " not " + req.protocolVersion().text(), 0), true, new Rejection(Rejection.PATH, "malformed"));
      return;
    }
    String te = req.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
    if (te != null && (!te.strip().equalsIgnoreCase("chunked") || req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING).size() > 1)) {
      // "gzip, chunked" was de-chunked and sent on as a plain body, its coding dropped; RFC 9112 §6.1 says 501
      respond(req, StatusResponses.status(ctx.alloc(), 501, "NotImplemented", "unsupported Transfer-Encoding \""
          + te + "\": kapi proxy takes only chunked request bodies", 0), true, new Rejection(Rejection.PATH, "malformed"));
      return;
    }
    // an HTTP/1.0 client's Expect is ignored (RFC 9110 §10.1.1); on HTTP/1.1 only 100-continue is understood
    if (!HttpVersion.HTTP_1_0.equals(req.protocolVersion()) && req.headers().contains(HttpHeaderNames.EXPECT)
        && !HttpUtil.is100ContinueExpected(req)) {
      respond(req, StatusResponses.status(ctx.alloc(), 417, "ExpectationFailed",
          "unsupported expectation: " + req.headers().get(HttpHeaderNames.EXPECT), 0), true,
          new Rejection(Rejection.PATH, "expectation"));
      return;
    }
    if ("*".equals(req.uri()) && HttpMethod.OPTIONS.equals(req.method())) {
      serverOptions(req); // about this server, not the API server: answered as Go's server answers it for kubectl proxy
      return;
    }
    if (HttpMethod.CONNECT.equals(req.method())) {
      // the API server serves nothing on CONNECT, and a 200 to one would turn a pooled connection into a tunnel
      respond(req, StatusResponses.status(ctx.alloc(), 405, "MethodNotAllowed",
          "kapi proxy does not relay CONNECT: it is a reverse proxy for the API server, not a tunnel", 0), true,
          new Rejection(Rejection.PATH, "method"));
      return;
    }
    CanonicalTarget target;
    try {
      target = RequestCanonicaliser.canonicalise(req.uri());
    } catch (BadRequestTarget e) {
      respond(req, StatusResponses.badRequest(ctx.alloc(), "kapi proxy refused a request target that is not canonical: "
          + e.getMessage()), upgrade, new Rejection(Rejection.PATH, "not-canonical"));
      return;
    }
    String host = target.authority() != null ? target.authority() : req.headers().get(HttpHeaderNames.HOST);
    Route route = px.mux.route(target.path());
    if (!(route instanceof Route.Api)) {
      observe(req, target.path(), target.rawQuery(), ExchangeKind.UNARY);
    }
    if (route instanceof Route.NotFound) {
      respond(req, StatusResponses.notFound(ctx.alloc(), "the path " + target.path() + " is outside --api-prefix "
          + px.config.apiPrefix() + px.staticFiles.map(s -> " and --www-prefix " + px.config.wwwPrefix()).orElse("")),
          upgrade, new Rejection(Rejection.PATH, "api-prefix"));
      return;
    }
    if (route instanceof Route.StaticFile file) {
      serveStatic(req, host, file, upgrade);
      return;
    }
    if (route instanceof Route.Redirect to) {
      LocalExchange ex = new LocalExchange(this, ctx, keepAlive(req, upgrade), seen);
      begin(ex, java.time.Duration.ZERO);
      ex.send(List.of(StaticFiles.redirect(to.location() + (target.rawQuery() != null ? "?" + target.rawQuery() : ""))));
      return;
    }
    String path = ((Route.Api) route).path();
    String filterPath = CanonicalTarget.trimTrailingSlash(path);
    String method = req.method().name();
    RequestInfo info = requestInfo(method, path, target.rawQuery());
    ExchangeKind kind = ExchangeKind.of(info, req.headers());
    ObservedExchange seen = observe(req, path, target.rawQuery(), kind, info);
    if (px.filter.isPresent() && filter(method, path, info.path(), host,
        upgrade ? req.headers().get(HttpHeaderNames.ORIGIN) : null) instanceof FilterDecision.Deny deny) {
      respond(req, StatusResponses.forbidden(ctx.alloc(), "kapi proxy refused " + method + " " + filterPath + ": "
          + deny.reason()), upgrade, Rejection.filter(deny.rule()));
      return;
    }
    if (px.config.readOnly() && !readOnlyAllows(method, kind, info, req.headers())) {
      respond(req, StatusResponses.forbidden(ctx.alloc(), "kapi proxy refused " + method + " " + filterPath
          + ": --read-only allows only GET, HEAD and OPTIONS" + (kind == ExchangeKind.UPGRADE
          ? ", and no upgrades except WebSocket watches" : "")), upgrade, Rejection.filter("read-only"));
      return;
    }
    // --deny-exec and --policy decide on the request as the API server will read it, before anything goes upstream
    if (px.guard.active() && px.guard.decide(seen.info(), req.headers()) instanceof PolicyDecision.Deny deny) {
      respond(req, StatusResponses.forbidden(ctx.alloc(), deny.message()), upgrade, Rejection.filter(deny.rule()));
      return;
    }
    boolean bodiless = isBodiless(req);
    if (kind == ExchangeKind.UPGRADE && !bodiless) {
      respond(req, StatusResponses.badRequest(ctx.alloc(), "an upgrade request cannot carry a body"), true,
          new Rejection(Rejection.PATH, "upgrade-with-body"));
      return;
    }
    if (px.ops.discovery.isPresent() && bodiless
        && DiscoveryCache.handles(method, filterPath, new QueryStringDecoder("?" + nonNull(target.rawQuery())).parameters())) {
      serveDiscovery(req, path, target.rawQuery(), px.ops.discovery.get());
      return;
    }
    LoadDecision load = px.ops.load.admit(seen.info(), seen.kind());
    if (load instanceof LoadDecision.Reject no) {
      respond(req, StatusResponses.status(ctx.alloc(), 429, "TooManyRequests", "kapi proxy: " + no.message(),
          no.retryAfterSeconds()), upgrade || !bodiless, Rejection.load(no.limit()));
      return;
    }
    LoadDecision.Admit admitted = (LoadDecision.Admit) load;
    seen.whenFinished(admitted.permit()::release);
    boolean expectContinue = HttpUtil.is100ContinueExpected(req);
    boolean clientKeepAlive = HttpUtil.isKeepAlive(req);
    boolean http10 = HttpVersion.HTTP_1_0.equals(req.protocolVersion());
    req.setUri(px.upstreamPathPrefix + RequestCanonicaliser.encodePath(path)
        + (target.rawQuery() != null ? "?" + target.rawQuery() : ""));
    req.setProtocolVersion(HttpVersion.HTTP_1_1);
    String authorization;
    try {
      authorization = px.headers.rewriteRequest(req.headers(), kind == ExchangeKind.UPGRADE,
          px.credentials(ctx.channel().eventLoop()));
    } catch (CredentialsUnavailableException e) {
      respond(req, StatusResponses.unavailable(ctx.alloc(), "kapi proxy has no credential for the API server: "
          + e.getMessage()), upgrade || !bodiless, new Rejection(Rejection.UPSTREAM, UpstreamFailure.CREDENTIALS.label()));
      return;
    }
    if (expectContinue) {
      // our hop answers the expectation; the body then streams with backpressure like any other
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER), ctx.voidPromise());
    }
    if (kind == ExchangeKind.UPGRADE) {
      if (!px.upgrades.tryTake(ctx.channel())) { // the slot is given back when this connection closes
        px.ops.limitRejected(Limits.UPGRADES);
        respond(req, StatusResponses.status(ctx.alloc(), 429, "TooManyRequests", "kapi proxy has "
            + px.upgrades.max() + " exec, attach and port-forward sessions open (--" + Limits.UPGRADES + ")", 1), true,
            new Rejection(Rejection.LIMIT, Limits.UPGRADES)); // a hard limit: counted once, above, not as load
        return;
      }
      boolean webSocketWatch = ExchangeKind.isWatch(info)
          && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
      begin(new UpgradeExchange(this, ctx, px, req, authorization, seen, webSocketWatch), admitted.delay());
    } else {
      begin(new ProxyExchange(this, ctx, px, req, kind, authorization, bodiless, clientKeepAlive, http10,
          target.rawQuery(), seen), admitted.delay());
    }
  }

  /**
   * The request as the API server will read it, for the filter's read-only rule, --deny-exec, --policy and the kind.
   * With --append-server-path and a server URL whose path belongs to the Kubernetes path ({@code https://host/api}),
   * {@code /v1/namespaces/d/pods/p/exec} is not a Kubernetes path by itself: it is read with the server's path in
   * front, as it goes upstream. A server path the API server's front strips (Rancher's {@code /k8s/clusters/x})
   * leaves a path that already reads as one, and that reading stands.
   */
  private RequestInfo requestInfo(String method, String path, String rawQuery) {
    RequestInfo info = RequestInfoParser.parse(method, path, rawQuery);
    if (!info.resourceRequest() && !px.upstreamPathPrefix.isEmpty()) {
      RequestInfo prefixed = RequestInfoParser.parse(method, px.upstreamPathPrefix + path, rawQuery);
      if (prefixed.resourceRequest()) {
        return prefixed;
      }
    }
    return info;
  }

  /** How many Host headers, counting to two: on every request, so without the list {@code getAll} would build. */
  private static int hostHeaders(HttpRequest req) {
    java.util.Iterator<? extends CharSequence> it = req.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
    int n = 0;
    while (n < 2 && it.hasNext()) {
      it.next();
      n++;
    }
    return n;
  }

  /** Starts observing the request (metrics, access log); the first call per request counts. */
  private ObservedExchange observe(HttpRequest req, String path, String rawQuery, ExchangeKind kind) {
    return seen != null ? seen : observe(req, path, rawQuery, kind, RequestInfoParser.parse(req.method().name(), path, rawQuery));
  }

  private ObservedExchange observe(HttpRequest req, String path, String rawQuery, ExchangeKind kind, RequestInfo info) {
    if (seen == null) {
      seen = ObservedExchange.start(px.ops.exchanges, req.method().name(), rawQuery == null ? path : path + "?" + rawQuery,
          info, dev.kapi.proxy.observe.ExchangeKind.valueOf(kind.name()), req.headers().get(HttpHeaderNames.USER_AGENT));
    }
    return seen;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** --cache-discovery: the document comes from memory or from one shared upstream fetch, never per client. */
  private void serveDiscovery(HttpRequest req, String path, String rawQuery, DiscoveryCache cache) {
    ObservedExchange observed = seen;
    LocalExchange ex = new LocalExchange(this, ctx, keepAlive(req, false), observed);
    begin(ex, java.time.Duration.ZERO);
    var headers = req.headers();
    cache.get(new DiscoveryCache.Request(px.upstreamPathPrefix + RequestCanonicaliser.encodePath(path),
        nonNull(headers.get(HttpHeaderNames.ACCEPT)), nonNull(headers.get(HttpHeaderNames.ACCEPT_ENCODING)),
        java.util.Optional.ofNullable(headers.get(HttpHeaderNames.AUTHORIZATION)),
        java.util.Optional.ofNullable(headers.get(HttpHeaderNames.IF_NONE_MATCH))))
        .whenComplete((r, err) -> ctx.executor().execute(() -> {
          if (err != null) {
            observed.rejected(new Rejection(Rejection.UPSTREAM, UpstreamFailure.classify(err).label()));
            ex.send(List.of(StatusResponses.unreachable(ctx.alloc(), UpstreamFailures.describe(err, px.serverDescription),
                UpstreamFailure.classify(err))));
            return;
          }
          FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
              Unpooled.wrappedBuffer(r.body()));
          r.headers().forEach(h -> res.headers().add(h.getKey(), h.getValue()));
          res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
          ex.send(List.of(res));
        }));
  }

  /**
   * The filter's decision; the Host part is remembered per connection (clients send the same Host every time).
   * {@code origin}: an upgrade's {@code Origin} header, or null.
   */
  private FilterDecision filter(String method, String path, String upstreamPath, String host, String origin) {
    RequestFilter f = px.filter.get();
    FilterDecision d = f.decidePathAndMethodAsSent(method, path);
    if (d instanceof FilterDecision.Deny) {
      return d;
    }
    if (!upstreamPath.equals(path)) { // requestInfo read it with the server URL's path in front
      d = f.decideRejectPathsUpstream(upstreamPath);
      if (d instanceof FilterDecision.Deny) {
        return d;
      }
    }
    String h = host == null ? "" : host;
    if (!h.equals(lastHost)) {
      lastHost = h;
      lastHostDecision = f.decideHost(h);
    }
    return origin == null || lastHostDecision instanceof FilterDecision.Deny ? lastHostDecision : f.decideOrigin(origin);
  }

  /**
   * A read: GET, HEAD, OPTIONS; an upgrade only as a WebSocket watch of a resource, not of a subresource (a path
   * such as {@code /api/v1/watch/namespaces/d/pods/p/portforward} parses as a watch, and only the API server's
   * routing, which has no such watch, would refuse it).
   */
  private static boolean readOnlyAllows(String method, ExchangeKind kind, RequestInfo info, HttpHeaders headers) {
    boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    return safe && (kind != ExchangeKind.UPGRADE || ExchangeKind.isWatch(info) && info.subresource().isEmpty()
        && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true));
  }

  static boolean isBodiless(HttpRequest req) {
    return !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0L;
  }

  private void serveStatic(HttpRequest req, String host, Route.StaticFile file, boolean upgrade) {
    if (px.filter.isPresent()) {
      // kubectl serves static files without its filter; the Host check still matters (DNS rebinding)
      FilterDecision d = px.filter.get().decideHost(host);
      if (d instanceof FilterDecision.Deny deny) {
        respond(req, StatusResponses.forbidden(ctx.alloc(), "kapi proxy refused " + req.method() + " static file: "
            + deny.reason()), upgrade, Rejection.filter(deny.rule()));
        return;
      }
    }
    LocalExchange ex = new LocalExchange(this, ctx, keepAlive(req, upgrade), seen);
    begin(ex, java.time.Duration.ZERO);
    ex.send(px.staticFiles.get().respond(ctx.alloc(), req, file.relativePath(), px.config.wwwPrefix()));
  }

  /** {@code OPTIONS *} (RFC 9110 §9.3.7): 200 with an empty body, nothing upstream. */
  private void serverOptions(HttpRequest req) {
    FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    ok.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    LocalExchange ex = new LocalExchange(this, ctx, keepAlive(req, false), observe(req, "*", null, ExchangeKind.UNARY));
    begin(ex, java.time.Duration.ZERO);
    ex.send(List.of(ok));
  }

  /** Answers from the proxy itself, saying why to the observers. */
  private void respond(HttpRequest req, FullHttpResponse response, boolean close, Rejection why) {
    // a request line the decoder could not take (too long, malformed) has Netty's placeholder "/bad-request" as its
    // target: logged as no path, not as a request for a path nobody sent
    String uri = req.decoderResult().isFailure() ? "" : req.uri();
    int q = uri.indexOf('?');
    ObservedExchange observed = observe(req, q < 0 ? uri : uri.substring(0, q), q < 0 ? null : uri.substring(q + 1),
        ExchangeKind.UNARY);
    observed.rejected(why);
    LocalExchange ex = new LocalExchange(this, ctx, keepAlive(req, close), observed);
    begin(ex, java.time.Duration.ZERO);
    ex.send(List.of(response));
  }

  private static boolean keepAlive(HttpRequest req, boolean close) {
    // a request body we did not read, or an upgrade whose decoder now passes bytes through: end the connection
    return !close && HttpUtil.isKeepAlive(req) && isBodiless(req) && !ExchangeKind.isUpgrade(req.headers());
  }

  /** Makes {@code ex} current and starts it, after {@code delay} when the --qps bucket says so. */
  private void begin(Exchange ex, java.time.Duration delay) {
    current = ex;
    if (ex instanceof ProxyExchange p && p.isStream()) {
      ctx.channel().config().setWriteBufferWaterMark(ProxyChannels.STREAM_WATER_MARK);
      streamWaterMark = true;
    }
    if (!delay.isZero()) {
      // the exchange receives the request body meanwhile; it goes upstream once started
      ctx.executor().schedule(() -> launch(ex), delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } else {
      launch(ex);
    }
  }

  private static void launch(Exchange ex) {
    if (ex instanceof ProxyExchange p) {
      p.start();
    } else if (ex instanceof UpgradeExchange u) {
      u.start();
    }
  }

  // ---- called by exchanges

  /** The exchange is over; the connection either serves the next request or closes once flushed. */
  void finished(Exchange ex, boolean keepConnection) {
    if (current != ex) {
      return;
    }
    current = null;
    if (streamWaterMark) {
      streamWaterMark = false;
      ctx.channel().config().setWriteBufferWaterMark(ProxyChannels.WATER_MARK); // the next request may be a large list
    }
    if (!keepConnection || closing || draining) {
      closing = true;
      if (currentRequestComplete) {
        closeOnFlush(ctx.channel());
      } else {
        LingeringClose.afterFlush(ctx.channel()); // answered before the request was read (413 …): no reset
      }
      releasePending();
      return;
    }
    while (pending != null && !pending.isEmpty() && (current == null || !currentRequestComplete)) {
      handle(pending.poll());
    }
    if (current == null && !closing) {
      resumeReading();
    }
  }

  /** Stop reading from the client until {@link #resumeReading()} (backpressure). */
  void pauseReading() {
    ctx.channel().config().setAutoRead(false);
  }

  /** Read from the client again (turning reading back on reads at once). */
  void resumeReading() {
    if (!closing && (pending == null || pending.size() < MAX_PENDING)) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** After a 101: the connection stops being HTTP; bytes the decoder still holds come through as ByteBufs. */
  void switchToTunnel() {
    tunnel = true;
    ctx.pipeline().remove(encoder);
    ctx.pipeline().remove(decoder);
  }

  @Override
  public boolean isTunnel() {
    return tunnel;
  }

  /** True once a graceful shutdown asked this connection to finish: responses then say Connection: close. */
  boolean draining() {
    return draining;
  }

  // ---- graceful shutdown (GracefulShutdown calls these from its own thread)

  @Override
  public void drain() {
    try {
      ctx.executor().execute(this::drainOnLoop);
    } catch (java.util.concurrent.RejectedExecutionException loopGone) {
      ctx.channel().close(); // its event loop has stopped: nothing left to finish
    }
  }

  private void drainOnLoop() {
    draining = true;
    if (current == null) {
      closing = true; // idle keep-alive connection: nothing to finish
      closeOnFlush(ctx.channel());
      releasePending();
    } else if (current instanceof ProxyExchange p) {
      p.drain(); // a watch ends at its next event boundary; an ordinary response just finishes
    } else if (current instanceof UpgradeExchange u) {
      u.drain(); // a WebSocket watch ends between two events; exec and port-forward wait for the deadline
    }
  }

  @Override
  public void close() {
    try {
      ctx.executor().execute(() -> {
        cutByShutdown = true; // the access log then says why the exchange ended, not "client closed"
        ctx.channel().close();
      });
    } catch (java.util.concurrent.RejectedExecutionException loopGone) {
      ctx.channel().close();
    }
  }

  @Override
  public CompletionStage<Void> closed() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ctx.channel().closeFuture().addListener(f -> closed.complete(null));
    return closed;
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void releasePending() {
    if (pending != null) {
      Object m;
      while ((m = pending.poll()) != null) {
        ReferenceCountUtil.release(m);
      }
    }
  }

  static void markClose(io.netty.handler.codec.http.HttpResponse r) {
    r.headers().set("Connection", HttpHeaderValues.CLOSE);
  }
}
