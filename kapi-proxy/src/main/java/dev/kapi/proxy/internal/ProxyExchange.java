package dev.kapi.proxy.internal;

import dev.kapi.config.CredentialsUnavailableException;
import dev.kapi.proxy.lifecycle.StreamBoundary;
import dev.kapi.proxy.observe.ObservedExchange;
import dev.kapi.proxy.observe.Rejection;
import dev.kapi.proxy.observe.UpstreamFailure;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordinary or streaming request over a pooled keep-alive connection to the API server, or a stream of a shared
 * HTTP/2 connection (the same HTTP objects either way, see {@link Http2Session}).
 *
 * <p>Both directions stream: every piece of the response is written to the client as it arrives and flushed at
 * the end of each read from the API server (never aggregated, never re-encoded). Backpressure both ways: the API
 * server connection is read again only while the client can take more, and the client only while the API server
 * can. Only an {@link ExchangeKind#UNARY} request has a response-header timeout; nothing times out a body.
 *
 * <p>Failures: before the response head went out, the client gets a Status (503 with Retry-After when the API
 * server cannot be reached, 504 on the header timeout); a bodiless idempotent request that met a pooled
 * connection the server had just closed is retried once on a fresh one. After the head went out, the client
 * connection is closed without the terminating chunk, so the client sees a truncated response, not a clean end.
 * A 401 to a bodiless idempotent request that carried the proxy's credential asks the credential to refresh and,
 * when it says a different one is available (a rotated token file), replays the request once.
 */
final class ProxyExchange implements Exchange, UpstreamListener, UpstreamPool.Acquirer, SlowClients.Stalled {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

  private final FrontendHandler front;
  private final ChannelHandlerContext client;
  private final ProxyContext px;
  private final HttpRequest request;
  private final ExchangeKind kind;
  private final boolean bodiless;
  private final boolean replayable;
  private final boolean clientKeepAlive;
  private final boolean http10;
  private final String rawQuery;
  private final ObservedExchange seen;
  private final boolean multiplexed; // may go as an HTTP/2 stream
  private String sentAuthorization;

  private UpstreamConnection upstream;
  private boolean reused;
  private boolean retriedStale;
  private boolean retriedRefused;
  private boolean retriedUnauthorized;
  private List<HttpContent> early; // request body that arrived before the connection
  private boolean requestComplete; // the client sent all of the request
  private boolean requestSent; // all of it was written upstream
  private boolean responseStarted; // a response head went to the client
  private boolean anyResponse; // anything came back on this attempt
  private boolean upstreamKeepAlive;
  private boolean informational;
  private boolean discarding; // draining a 401 before the retry
  private boolean closeClient;
  private boolean done;
  private ScheduledFuture<?> headerTimeout;
  private long headerDeadlineNanos; // 0 until the request is first sent
  private StreamBoundary boundary; // STREAM responses: where a watch event ends, for a clean end on shutdown
  private boolean endableStream; // chunked or close-delimited: the proxy can end it without faking a length
  private boolean freshConnection; // the replay after a refused client certificate: never on a pooled connection
  private boolean ending; // a graceful shutdown asked for a clean end at the next event boundary
  private final boolean endless; // a watch or a followed log: the only responses a shutdown ends early
  private boolean stalled; // upstream paused because the client takes nothing (see SlowClients)

  ProxyExchange(FrontendHandler front, ChannelHandlerContext client, ProxyContext px, HttpRequest request,
      ExchangeKind kind, String sentAuthorization, boolean bodiless, boolean clientKeepAlive, boolean http10,
      String rawQuery, ObservedExchange seen) {
    this.seen = seen;
    this.front = front;
    this.client = client;
    this.px = px;
    this.request = request;
    this.kind = kind;
    this.sentAuthorization = sentAuthorization;
    HttpMethod m = request.method();
    this.bodiless = bodiless;
    this.replayable = bodiless && (HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m)
        || HttpMethod.OPTIONS.equals(m));
    this.clientKeepAlive = clientKeepAlive;
    this.http10 = http10;
    this.rawQuery = rawQuery;
    this.multiplexed = px.multiplexes(kind);
    this.endless = kind == ExchangeKind.STREAM && ExchangeKind.isEndless(seen.info(), rawQuery);
  }

  /** A watch, followed log or proxied stream (long-running), as opposed to an ordinary request. */
  boolean isStream() {
    return kind == ExchangeKind.STREAM;
  }

  void start() {
    px.pool(client.channel().eventLoop()).acquire(this, multiplexed);
    if (upstream == null && !done && !requestComplete && !bodiless) {
      front.pauseReading(); // a body must wait for the connection; the pool usually has one ready at once
    }
  }

  // ---- connection

  @Override
  public void acquired(UpstreamConnection c, boolean reused) {
    if (done) {
      c.release(true); // the client left while we connected: the fresh connection is clean
      return;
    }
    upstream = c;
    this.reused = reused;
    anyResponse = false;
    c.attach(this);
    Channel ch = c.channel();
    ch.write(request, ch.voidPromise());
    if (early != null) {
      for (HttpContent part : early) {
        ch.write(part, ch.voidPromise());
      }
      early = null;
      requestSent = requestComplete;
    } else if (requestComplete) {
      // a replay: the original body was empty
      ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
      requestSent = true;
    }
    ch.flush();
    px.ops.upstream.requestSent();
    if (kind == ExchangeKind.UNARY) {
      Duration t = headerTimeout();
      if (!t.isZero()) {
        // one bound for the request, from its first send: a replay (stale connection, refused stream, 401) gets
        // what is left of it, so the answer never comes later than --request-timeout says
        long now = System.nanoTime();
        if (headerDeadlineNanos == 0) {
          headerDeadlineNanos = now + t.toNanos();
        }
        headerTimeout = client.executor().schedule(this::headerTimedOut, Math.max(0, headerDeadlineNanos - now),
            TimeUnit.NANOSECONDS);
      }
    }
    if (!requestComplete && ch.isWritable()) {
      front.resumeReading();
    }
  }

  @Override
  public void acquireFailed(Throwable cause) {
    if (done) {
      return;
    }
    LOG.debug("cannot reach the API server", cause);
    // the connector already told the upstream observers
    UpstreamFailure failure = UpstreamFailure.classify(cause);
    fail(StatusResponses.unreachable(client.alloc(), UpstreamFailures.describe(cause, px.serverDescription), failure),
        failure.label());
  }

  /**
   * The configured timeout, or the request's own {@code timeout} parameter plus slack when that is longer; zero
   * (none) when the proxy was told to wait forever.
   */
  private Duration headerTimeout() {
    Duration t = px.config.responseHeaderTimeout();
    if (!t.isZero() && rawQuery != null && rawQuery.contains("timeout=")) {
      Duration asked = Queries.first(rawQuery, "timeout").flatMap(dev.kapi.proxy.GoDurations::parse).orElse(Duration.ZERO);
      Duration extended = asked.plusSeconds(10);
      if (extended.compareTo(t) > 0) {
        t = extended;
      }
    }
    return t;
  }

  private void headerTimedOut() {
    if (done || responseStarted) {
      return;
    }
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.discard();
    }
    String why = "the API server " + px.serverDescription + " sent no response headers within "
        + dev.kapi.proxy.GoDurations.format(headerTimeout());
    px.ops.upstream.failed(UpstreamFailure.HEADER_TIMEOUT, why);
    fail(StatusResponses.timeout(client.alloc(), why), UpstreamFailure.HEADER_TIMEOUT.label());
  }

  // ---- client → API server

  @Override
  public void clientContent(HttpContent content) {
    seen.fromClient(content.content().readableBytes());
    boolean last = content instanceof LastHttpContent;
    if (last) {
      requestComplete = true;
    }
    if (done) {
      content.release();
      return;
    }
    if (upstream == null) {
      if (early == null) {
        early = new ArrayList<>(2);
      }
      early.add(content);
      return;
    }
    Channel ch = upstream.channel();
    ch.write(content, ch.voidPromise());
    if (last) {
      requestSent = true;
    } else if (!ch.isWritable()) {
      // paused before the flush: on an HTTP/2 stream the flush itself can make the channel writable again, and
      // that event, arriving before a pause, would be lost and the upload would wait forever
      front.pauseReading(); // until the API server has taken what is queued
      ch.flush();
      if (ch.isWritable()) {
        front.resumeReading();
      }
    }
  }

  @Override
  public void clientBytes(ByteBuf bytes) {
    bytes.release(); // not an upgrade: the decoder never passes raw bytes here
  }

  @Override
  public void clientReadComplete() {
    if (upstream != null && !done) {
      upstream.channel().flush();
    }
  }

  @Override
  public void upstreamWritabilityChanged() {
    if (!requestComplete && upstream != null && upstream.channel().isWritable()) {
      front.resumeReading();
    }
  }

  // ---- API server → client

  @Override
  public void upstreamRead(Object msg) {
    anyResponse = true;
    if (msg instanceof HttpResponse r) {
      onHead(r);
      if (msg instanceof HttpContent c) {
        onContent(c); // not produced by the decoder, but harmless
      }
    } else if (msg instanceof HttpContent c) {
      onContent(c);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpResponse r) {
    if (r.decoderResult().isFailure()) {
      abort("malformed response from the API server: " + r.decoderResult().cause().getMessage());
      return;
    }
    cancelHeaderTimeout();
    int code = r.status().code();
    px.ops.upstream.responseReceived(code);
    if (code == 401 && !retriedUnauthorized && sentAuthorization == null && px.cluster.tls().clientCertificate().isPresent()
        && !request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
      // the client certificate this connection presented was refused: new connections present the current one
      px.pool(client.channel().eventLoop()).retireAll();
      if (replayable) {
        retriedUnauthorized = true;
        discarding = true;
        freshConnection = true;
        upstreamKeepAlive = false;
        return;
      }
    }
    if (code == 401 && !retriedUnauthorized && sentAuthorization != null) {
      // the proxy's credential was refused: refresh it whatever the method, so the next request carries the new
      // one; only a request without a body (GET, HEAD, OPTIONS) is replayed, anything else gets this 401
      boolean refreshed = refreshed();
      if (replayable && refreshed) {
        retriedUnauthorized = true;
        discarding = true;
        upstreamKeepAlive = HttpUtil.isKeepAlive(r);
        return;
      }
    }
    if (code >= 100 && code < 200) {
      if (code == 101) {
        abort("the API server switched protocols on a request that did not ask to");
        return;
      }
      informational = true;
      HeaderRewriter.rewriteResponse(r.headers());
      client.write(r, client.voidPromise());
      return;
    }
    upstreamKeepAlive = HttpUtil.isKeepAlive(r);
    HeaderRewriter.rewriteResponse(r.headers());
    boolean framed = HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r)
        || HttpMethod.HEAD.equals(request.method()) || code == 204 || code == 304;
    if (http10 && HttpUtil.isTransferEncodingChunked(r)) {
      r.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // HTTP/1.0 has no chunking: the close ends the body
      framed = false;
    }
    closeClient = !clientKeepAlive || !framed || front.draining();
    if (kind == ExchangeKind.STREAM) {
      boundary = StreamBoundary.of(r.headers().get(HttpHeaderNames.CONTENT_TYPE),
          r.headers().get(HttpHeaderNames.CONTENT_ENCODING));
      endableStream = HttpUtil.isTransferEncodingChunked(r) || !framed;
    }
    if (closeClient) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    responseStarted = true;
    seen.responseStarted(code, r.headers().get("Audit-Id"));
    client.write(r, client.voidPromise());
    if (ending) {
      endStreamAtBoundary();
    }
  }

  private boolean refreshed() {
    try {
      return px.credentials(client.channel().eventLoop()).refreshAfterUnauthorizedWithoutWaiting(sentAuthorization);
    } catch (RuntimeException e) {
      LOG.debug("credential refresh after 401 failed", e);
      return false;
    }
  }

  private void onContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (discarding) {
      c.release();
      if (last) {
        discarding = false;
        retryWithRefreshedCredential();
      }
      return;
    }
    if (c.decoderResult().isFailure()) {
      c.release();
      abort("malformed response body from the API server: " + c.decoderResult().cause().getMessage());
      return;
    }
    if (!informational) {
      seen.toClient(c.content().readableBytes());
      if (boundary != null) {
        boundary.feed(c.content());
      }
    }
    client.write(c, client.voidPromise());
    if (last) {
      if (informational) {
        informational = false; // a 1xx ends with its own empty last content; the real response follows
        return;
      }
      complete();
    } else if (ending) {
      endStreamAtBoundary();
    }
  }

  /**
   * Graceful shutdown: an ordinary response just finishes (its connection then closes); a watch or a followed log
   * is ended at its next event boundary with a clean end of stream, so the client re-watches elsewhere.
   */
  void drain() {
    if (done || !endless) {
      return; // anything that ends by itself finishes, within --shutdown-grace
    }
    ending = true;
    if (responseStarted) {
      endStreamAtBoundary();
    }
  }

  private void endStreamAtBoundary() {
    if (done || !endableStream || boundary == null || !boundary.atBoundary()) {
      return; // not yet (mid-event), or never (gzip, Content-Length): closed at the end of the grace period
    }
    done = true;
    unstall();
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.discard(); // the API server sees this watcher go away
    }
    releaseEarly();
    seen.completed();
    client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise()); // "0\r\n\r\n" when chunked
    front.finished(this, false);
  }

  @Override
  public void upstreamReadComplete() {
    if (done || upstream == null) {
      return;
    }
    client.flush();
    if (!discarding && !client.channel().isWritable()) {
      upstream.pauseReading(); // the client is slow: leave the rest in the API server's socket
      if (!stalled) {
        stalled = true;
        px.slowClients(client.channel().eventLoop()).stalled(this);
      }
    }
  }

  @Override
  public void clientWritabilityChanged() {
    if (!done && upstream != null && client.channel().isWritable()) {
      upstream.resumeReading();
      unstall();
    }
  }

  private void unstall() {
    if (stalled) {
      stalled = false;
      px.slowClients(client.channel().eventLoop()).resumed(this);
    }
  }

  @Override
  public void cutOff(String why) {
    stalled = false; // SlowClients already let go of it
    if (done) {
      return;
    }
    LOG.debug("{}", why);
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.discard(); // the API server sees this watcher go away
    }
    abortClient(why);
  }

  private void complete() {
    done = true;
    unstall();
    seen.completed();
    client.flush();
    UpstreamConnection c = upstream;
    upstream = null;
    c.release(requestSent && upstreamKeepAlive);
    if (requestComplete) {
      front.finished(this, !closeClient);
    } else {
      front.finished(this, false); // answered before the client finished sending: do not wait for the rest
    }
  }

  /**
   * Replays the request with the credential's new value; the drained 401 connection is reused if it can be, except
   * after a refused client certificate, when only a new handshake presents the renewed one.
   */
  private void retryWithRefreshedCredential() {
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.release(requestSent && upstreamKeepAlive);
    }
    try {
      sentAuthorization = px.credentials(client.channel().eventLoop()).authorizationWithoutWaiting().orElse(null);
    } catch (CredentialsUnavailableException e) {
      fail(StatusResponses.unavailable(client.alloc(), "kapi proxy has no credential for the API server: "
          + e.getMessage()), UpstreamFailure.CREDENTIALS.label());
      return;
    }
    if (sentAuthorization == null) {
      request.headers().remove(HttpHeaderNames.AUTHORIZATION);
    } else {
      HeaderRewriter.replaceAuthorization(request.headers(), sentAuthorization);
    }
    requestSent = false;
    if (freshConnection) {
      px.pool(client.channel().eventLoop()).connectNew(this, multiplexed);
    } else {
      px.pool(client.channel().eventLoop()).acquire(this, multiplexed);
    }
  }

  // ---- failures

  @Override
  public void upstreamClosed(Throwable cause) {
    upstream = null;
    if (done) {
      return;
    }
    cancelHeaderTimeout();
    if (!responseStarted && !anyResponse && reused && replayable && !retriedStale) {
      // a pooled connection the API server had closed while it sat idle: one fresh try, as Go's transport does
      retriedStale = true;
      requestSent = false;
      px.pool(client.channel().eventLoop()).connectNew(this, multiplexed);
      return;
    }
    if (discarding) {
      discarding = false; // the server closed after its 401: replay on another connection
      retryWithRefreshedCredential();
      return;
    }
    if (cause instanceof RefusedStream refused && !responseStarted) {
      refused(refused);
      return;
    }
    LOG.debug("API server connection closed mid-exchange", cause);
    String why = UpstreamFailures.describe(cause, px.serverDescription);
    UpstreamFailure failure = cause == null ? UpstreamFailure.RESET : UpstreamFailure.classify(cause);
    px.ops.upstream.failed(failure, why);
    if (!responseStarted) {
      fail(answerLost(why), failure.label());
    } else {
      abortClient(why);
    }
  }

  /**
   * The API server refused the stream unprocessed: a bodiless request (whatever its method; nothing took effect) is
   * sent once more on a new stream, as Go's transport does; one with a body (no longer held) is answered 503 with
   * Retry-After, since resending it is safe.
   */
  private void refused(RefusedStream why) {
    String message = px.serverDescription + ": " + why.getMessage();
    if (bodiless && !retriedRefused) {
      retriedRefused = true;
      requestSent = false;
      LOG.debug("{}; sending it again", message);
      px.pool(client.channel().eventLoop()).acquire(this, multiplexed);
      return;
    }
    px.ops.upstream.failed(UpstreamFailure.RESET, message);
    fail(StatusResponses.unavailable(client.alloc(), message + "; it did not take effect and may be sent again"),
        UpstreamFailure.RESET.label());
  }

  /**
   * The request went to the API server and its answer was lost: a GET, HEAD or OPTIONS may simply be sent again,
   * anything else may have taken effect, so the client is told so and not invited to resend it.
   */
  private FullHttpResponse answerLost(String why) {
    return replayable ? StatusResponses.unavailable(client.alloc(), why) : StatusResponses.unavailableNoRetry(
        client.alloc(), why + "; the " + request.method() + " request had been sent, so it may have taken effect");
  }

  /** Something unusable came back: a Status if nothing went to the client yet, else cut the client off. */
  private void abort(String why) {
    LOG.warn("{}: {}", px.serverDescription, why);
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.discard();
    }
    px.ops.upstream.failed(UpstreamFailure.OTHER, why);
    if (!responseStarted) {
      fail(answerLost(why), UpstreamFailure.OTHER.label());
    } else {
      abortClient(why);
    }
  }

  /** Answers with the proxy's own Status; keeps the client connection when the request was read in full. */
  private void fail(FullHttpResponse status, String cause) {
    fail(status, new Rejection(Rejection.UPSTREAM, cause));
  }

  private void fail(FullHttpResponse status, Rejection why) {
    done = true;
    unstall();
    seen.rejected(why);
    seen.responseStarted(status.status().code(), "");
    seen.toClient(status.content().readableBytes());
    cancelHeaderTimeout();
    if (upstream != null) {
      UpstreamConnection c = upstream;
      upstream = null;
      c.discard();
    }
    releaseEarly();
    boolean keep = clientKeepAlive && requestComplete;
    if (!keep) {
      FrontendHandler.markClose(status);
    }
    seen.completed(); // before the flush: a client that reads the answer finds it counted
    client.writeAndFlush(status, client.voidPromise());
    front.finished(this, keep);
  }

  /** The response already started: the only honest signal left is a connection closed mid-body. */
  private void abortClient(String why) {
    done = true;
    unstall();
    seen.aborted(why);
    client.flush();
    client.close();
  }

  /**
   * The request body broke off (a bad chunk size, chunk data without its CRLF) or grew past
   * --max-request-body-bytes: the API server must never see it end as if complete, so its connection or stream is
   * reset, and the client, whose framing is lost, is closed.
   */
  @Override
  public void clientBodyRefused(BodyRefusal why) {
    if (done) {
      return;
    }
    requestComplete = false; // the answer then says Connection: close
    if (responseStarted) {
      if (upstream != null) {
        UpstreamConnection c = upstream;
        upstream = null;
        c.discard();
      }
      abortClient(why.abortCause());
      return;
    }
    fail(why.answer(client.alloc()), why.why());
  }

  @Override
  public void clientClosed() {
    if (done) {
      return;
    }
    done = true;
    unstall();
    seen.aborted("client closed the connection");
    cancelHeaderTimeout();
    releaseEarly();
    UpstreamConnection c = upstream;
    upstream = null;
    if (c != null) {
      c.discard(); // mid-exchange: the connection's state is unknown
    }
  }

  private void cancelHeaderTimeout() {
    if (headerTimeout != null) {
      headerTimeout.cancel(false);
      headerTimeout = null;
    }
  }

  private void releaseEarly() {
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
  }
}
