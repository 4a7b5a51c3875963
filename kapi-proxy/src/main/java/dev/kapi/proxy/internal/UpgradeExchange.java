package dev.kapi.proxy.internal;

import dev.kapi.proxy.observe.ObservedExchange;
import dev.kapi.proxy.observe.Rejection;
import dev.kapi.proxy.observe.UpstreamFailure;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * exec, attach, port-forward and WebSocket watches: {@code Connection: Upgrade} requests, as kubectl's
 * {@code UpgradeAwareHandler} proxies them. Each gets its own HTTP/1.1 connection to the API server, never pooled.
 * The request goes with its upgrade headers intact. A {@code 101 Switching Protocols} is written to the client,
 * both sides drop their HTTP codecs (bytes either codec already holds are passed on, as Go's TeeReader does) and
 * raw bytes are spliced both ways, with backpressure, until either side closes, which closes the other. Any other
 * answer is relayed as it came and ends the connection: kubectl's WebSocket-to-SPDY fallback, and the user's
 * error message, depend on seeing the API server's own refusal.
 */
final class UpgradeExchange implements Exchange, UpstreamListener {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeExchange.class);

  private enum State { CONNECTING, AWAITING_HEAD, RELAYING_REFUSAL, TUNNEL, DONE }

  private final FrontendHandler front;
  private final ChannelHandlerContext client;
  private final ProxyContext px;
  private final HttpRequest request;
  private final String sentAuthorization; // the proxy's credential on the request, or null (none, or the client's own)
  private final ObservedExchange seen;
  private UpstreamConnection upstream;
  private List<ByteBuf> early; // bytes the client sent behind its request, before the 101
  private State state = State.CONNECTING;
  private final WebSocketFrames frames; // a WebSocket watch: where its events end, for a clean end on shutdown
  private boolean ending; // a graceful shutdown asked for that end at the next message boundary

  UpgradeExchange(FrontendHandler front, ChannelHandlerContext client, ProxyContext px, HttpRequest request,
      String sentAuthorization, ObservedExchange seen, boolean webSocketWatch) {
    this.sentAuthorization = sentAuthorization;
    this.seen = seen;
    this.front = front;
    this.client = client;
    this.px = px;
    this.request = request;
    this.frames = webSocketWatch ? new WebSocketFrames() : null;
  }

  /**
   * Graceful shutdown: a WebSocket watch ends with a close frame (1001, going away) between two events, like an HTTP
   * watch's clean end, so its client watches again elsewhere at once. exec, attach and port-forward carry a
   * session the proxy cannot end for its user: they stay until the deadline.
   */
  void drain() {
    if (frames == null || state != State.TUNNEL || ending) {
      return;
    }
    ending = true;
    if (frames.atMessageBoundary()) {
      endWatch();
    }
  }

  private void endWatch() {
    state = State.DONE;
    seen.completed();
    client.write(io.netty.buffer.Unpooled.wrappedBuffer(WebSocketFrames.GOING_AWAY), client.voidPromise());
    if (upstream != null) {
      UpstreamConnection c = upstream;
      upstream = null;
      c.detach();
      c.discard(); // the API server sees this watcher go away
    }
    front.finished(this, false);
  }

  /** Server bytes into the tunnel; for a WebSocket watch that is ending, only up to the next message boundary. */
  private void relay(ByteBuf b) {
    seen.toClient(b.readableBytes());
    if (frames == null) {
      client.write(b, client.voidPromise());
      return;
    }
    int cut = frames.advance(b, ending);
    if (cut < 0) {
      client.write(b, client.voidPromise());
      return;
    }
    client.write(b.retainedSlice(b.readerIndex(), cut), client.voidPromise());
    b.release();
    endWatch();
  }

  void start() {
    front.pauseReading(); // nothing more from the client until the API server has answered the handshake
    Future<UpstreamConnection> f = px.connector.connect(client.channel().eventLoop(), null);
    f.addListener(done -> {
      if (f.isSuccess()) {
        connected(f.getNow());
      } else if (state != State.DONE) {
        refuse(UpstreamFailures.describe(f.cause(), px.serverDescription), UpstreamFailure.classify(f.cause()));
      }
    });
  }

  private void connected(UpstreamConnection c) {
    if (state == State.DONE) {
      c.discard();
      return;
    }
    upstream = c;
    c.attach(this);
    Channel ch = c.channel();
    ch.write(request, ch.voidPromise());
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
    px.ops.upstream.requestSent();
    state = State.AWAITING_HEAD;
  }

  // ---- API server → client

  @Override
  public void upstreamRead(Object msg) {
    switch (state) {
      case AWAITING_HEAD -> {
        if (msg instanceof HttpResponse r) {
          onHead(r);
        } else {
          ReferenceCountUtil.release(msg);
        }
      }
      case RELAYING_REFUSAL -> {
        if (msg instanceof HttpContent c) {
          seen.toClient(c.content().readableBytes());
          if (c instanceof LastHttpContent) {
            seen.completed();
          }
          client.write(c, client.voidPromise());
          if (c instanceof LastHttpContent) {
            state = State.DONE;
            client.flush();
            upstream.discard();
            upstream = null;
            front.finished(this, false);
          }
        } else {
          ReferenceCountUtil.release(msg);
        }
      }
      case TUNNEL -> {
        if (msg instanceof ByteBuf b) {
          relay(b);
        } else if (msg instanceof HttpContent c) {
          // the empty last content the decoder emits after the 101 head
          if (c.content().isReadable()) {
            relay(c.content().retain());
          }
          c.release();
        } else {
          ReferenceCountUtil.release(msg);
        }
      }
      default -> ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpResponse r) {
    if (r.decoderResult().isFailure()) {
      refuse("malformed upgrade response from the API server: " + r.decoderResult().cause().getMessage(),
          UpstreamFailure.OTHER);
      return;
    }
    px.ops.upstream.responseReceived(r.status().code());
    seen.responseStarted(r.status().code(), r.headers().get("Audit-Id"));
    if (r.status().code() != 101) {
      if (r.status().code() == 401 && sentAuthorization != null) {
        // the proxy's credential was refused: the client's next try carries a refreshed one (nothing is replayed)
        px.credentials(client.channel().eventLoop()).refreshAfterUnauthorizedWithoutWaiting(sentAuthorization);
      }
      state = State.RELAYING_REFUSAL;
      FrontendHandler.markClose(r);
      client.write(r, client.voidPromise());
      return;
    }
    state = State.TUNNEL;
    client.writeAndFlush(r, client.voidPromise());
    front.switchToTunnel();
    upstream.channel().pipeline().remove(UpstreamConnector.CODEC);
    upstream.channel().pipeline().remove(UpstreamConnector.UNIFORM);
    Channel ch = upstream.channel();
    if (early != null) {
      for (ByteBuf b : early) {
        ch.write(b, ch.voidPromise());
      }
      early = null;
    }
    ch.flush();
    front.resumeReading();
  }

  @Override
  public void upstreamReadComplete() {
    if (upstream == null) {
      return;
    }
    if (state == State.TUNNEL || state == State.RELAYING_REFUSAL) {
      client.flush();
      if (!client.channel().isWritable()) {
        upstream.pauseReading();
      }
    }
  }

  @Override
  public void clientWritabilityChanged() {
    if ((state == State.TUNNEL || state == State.RELAYING_REFUSAL) && upstream != null
        && client.channel().isWritable()) {
      upstream.resumeReading();
    }
  }

  // ---- client → API server

  @Override
  public void clientContent(HttpContent content) {
    content.release(); // the (empty) end of the upgrade request itself
  }

  @Override
  public void clientBytes(ByteBuf bytes) {
    seen.fromClient(bytes.readableBytes());
    if (state == State.TUNNEL) {
      upstream.channel().write(bytes, upstream.channel().voidPromise());
    } else if (state == State.DONE || state == State.RELAYING_REFUSAL) {
      bytes.release();
    } else {
      if (early == null) {
        early = new ArrayList<>(2);
      }
      early.add(bytes);
    }
  }

  @Override
  public void clientReadComplete() {
    if (state == State.TUNNEL) {
      Channel ch = upstream.channel();
      ch.flush();
      if (!ch.isWritable()) {
        front.pauseReading();
      }
    }
  }

  @Override
  public void upstreamWritabilityChanged() {
    if (state == State.TUNNEL && upstream.channel().isWritable()) {
      front.resumeReading();
    }
  }

  // ---- endings

  @Override
  public void upstreamClosed(Throwable cause) {
    State was = state;
    state = State.DONE;
    upstream = null;
    switch (was) {
      case CONNECTING, AWAITING_HEAD -> {
        state = was; // refuse() needs to know nothing was sent
        UpstreamFailure failure = cause == null ? UpstreamFailure.RESET : UpstreamFailure.classify(cause);
        px.ops.upstream.failed(failure, UpstreamFailures.describe(cause, px.serverDescription));
        refuse(UpstreamFailures.describe(cause, px.serverDescription), failure);
      }
      case TUNNEL -> {
        seen.completed(); // either side closing is how a tunnel ends
        FrontendHandler.closeOnFlush(client.channel());
      }
      case RELAYING_REFUSAL -> {
        seen.aborted("the API server closed the connection mid-response");
        client.close(); // cut short: do not fake a complete response
      }
      default -> {
      }
    }
  }

  @Override
  public void clientClosed() {
    State was = state;
    state = State.DONE;
    if (was == State.TUNNEL) {
      seen.completed();
    } else {
      seen.aborted("client closed the connection");
    }
    releaseEarly();
    if (upstream != null) {
      UpstreamConnection c = upstream;
      upstream = null;
      c.detach();
      if (was == State.TUNNEL) {
        FrontendHandler.closeOnFlush(c.channel());
      } else {
        c.discard();
      }
    }
  }

  /** No upgrade happened: a 503 Status, then the connection ends (the decoder already stopped parsing HTTP). */
  private void refuse(String why, UpstreamFailure cause) {
    LOG.debug("upgrade to {} failed: {}", px.serverDescription, why);
    seen.rejected(new Rejection(Rejection.UPSTREAM, cause.label()));
    boolean requestSent = state == State.AWAITING_HEAD;
    state = State.DONE;
    releaseEarly();
    if (upstream != null) {
      upstream.discard();
      upstream = null;
    }
    // an exec or attach whose upgrade request reached the API server may have started: no invitation to resend
    var status = requestSent ? StatusResponses.unavailableNoRetry(client.alloc(), why)
        : StatusResponses.unreachable(client.alloc(), why, cause);
    FrontendHandler.markClose(status);
    seen.responseStarted(status.status().code(), "");
    seen.toClient(status.content().readableBytes());
    seen.completed();
    client.writeAndFlush(status, client.voidPromise());
    front.finished(this, false);
  }

  private void releaseEarly() {
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
  }
}
