package dev.kapi.proxy.internal;

import dev.kapi.proxy.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection limits that sit between the HTTP codec and the {@link FrontendHandler}, so the request path
 * itself stays about requests:
 * <ul>
 *   <li><b>header read timeout</b> (slowloris): armed while the connection waits for a request — when it opens
 *       and whenever the last response is complete — and disarmed by a request's headers. When it fires with part
 *       of a request received, the client gets 408 and the connection closes; an idle keep-alive connection is
 *       closed quietly. Never armed while an exchange is in flight, so a watch or a tunnel can last for hours.</li>
 *   <li><b>request body size</b>: a {@code Content-Length} over the limit turns the request into a decoder
 *       failure the frontend answers with 413 (nothing goes upstream); a chunked body that grows past it ends in a
 *       failed {@code LastHttpContent}: the exchange resets the upstream side and answers 413 if no response has
 *       started, else closes the connection.</li>
 *   <li>the count of every limit the HTTP decoder enforced (line → 414, headers → 431, malformed → 400).</li>
 * </ul>
 */
final class RequestLimits extends ChannelDuplexHandler {

  private final Limits limits;
  private final Limits.Observer observer;
  private ChannelHandlerContext ctx;
  private boolean bytesWhileWaiting;
  private ScheduledFuture<?> headerTimer;
  private int inFlight; // requests read whose final response has not been written in full
  private boolean tunnel;
  private boolean informational;
  private boolean countingBody;
  private long bodyBytes;
  private HttpRequest target; // the request whose body is being counted

  RequestLimits(Limits limits, Limits.Observer observer) {
    this.limits = limits;
    this.observer = observer;
  }

  /**
   * The companion that goes in front of the request decoder: it notes that bytes arrived while the connection
   * waited for a request, which tells a slow request (408) from an idle connection (closed quietly).
   */
  ChannelInboundHandlerAdapter bytesIn() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable() && inFlight == 0) {
          bytesWhileWaiting = true;
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    armHeaderTimer();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarmHeaderTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpRequest req) {
      disarmHeaderTimer();
      bytesWhileWaiting = false;
      inFlight++;
      bodyBytes = 0;
      countingBody = false;
      if (req.decoderResult().isFailure()) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof TooLongHttpLineException) {
          refuse(req, Limits.REQUEST_TARGET_BYTES, new TooLongHttpLineException(tooLong("request line")));
        } else if (cause instanceof TooLongHttpHeaderException) {
          refuse(req, Limits.HEADER_BYTES, new TooLongHttpHeaderException("kapi proxy refused request headers larger"
              + " than --" + Limits.HEADER_BYTES + "=" + limits.maxHeaderBytes() + " bytes"));
        } else if (ctx.channel().isActive()) { // else the client left mid-request: not malformed
          observer.rejected(Limits.MALFORMED);
        }
      } else if (req.uri().length() > limits.maxRequestTargetBytes()) {
        refuse(req, Limits.REQUEST_TARGET_BYTES, new TooLongHttpLineException(tooLong(
            "request target of " + req.uri().length() + " bytes")));
      } else if (!ExchangeKind.isUpgrade(req.headers())) {
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > limits.maxRequestBodyBytes() && !relayedToWorkload(req)) {
          refuse(req, Limits.REQUEST_BODY_BYTES, new TooLongFrameException(tooLarge(declared + " bytes")));
        } else {
          countingBody = declared <= limits.maxRequestBodyBytes();
          target = req;
        }
      }
    } else if (msg instanceof HttpContent c && countingBody) {
      bodyBytes += c.content().readableBytes();
      if (bodyBytes > limits.maxRequestBodyBytes()) {
        countingBody = false;
        if (relayedToWorkload(target)) {
          ctx.fireChannelRead(msg);
          return;
        }
        ReferenceCountUtil.release(msg);
        observer.rejected(Limits.REQUEST_BODY_BYTES);
        // the body's end, failed: the exchange resets its upstream and answers 413 (or cuts a started response)
        LastHttpContent cut = new DefaultLastHttpContent();
        cut.setDecoderResult(DecoderResult.failure(new BodyTooLarge(
            tooLarge("more than " + limits.maxRequestBodyBytes() + " bytes (chunked)"))));
        ctx.fireChannelRead(cut);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Whether the body goes to a workload through the API server's proxy (exempt from the limit, as upstream).
   * Decided only for a body already past the limit, on the canonical path the filter will see.
   */
  private static boolean relayedToWorkload(HttpRequest req) {
    try {
      CanonicalTarget t = RequestCanonicaliser.canonicalise(req.uri());
      return ExchangeKind.isRelayedToWorkload(
          dev.kapi.proxy.policy.RequestInfoParser.parse(req.method().name(), t.path(), t.rawQuery()));
    } catch (BadRequestTarget e) {
      return false; // refused by the frontend anyway
    }
  }

  /** Marks the request failed, so the frontend answers it (414, 431, 413) and sends nothing upstream. */
  private void refuse(HttpRequest req, String limit, TooLongFrameException why) {
    observer.rejected(limit);
    req.setDecoderResult(DecoderResult.failure(why));
  }

  private String tooLong(String what) {
    return "kapi proxy refused a " + what + " longer than --" + Limits.REQUEST_TARGET_BYTES + "="
        + limits.maxRequestTargetBytes() + " bytes";
  }

  private String tooLarge(String what) {
    return "kapi proxy refused a request body of " + what + ": larger than --" + Limits.REQUEST_BODY_BYTES + "="
        + limits.maxRequestBodyBytes();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!tunnel) {
      if (msg instanceof HttpResponse r) {
        int code = r.status().code();
        if (code == 101) {
          tunnel = true; // the connection stops being HTTP; the tunnel has no header timeout
          disarmHeaderTimer();
        }
        informational = code < 200;
      }
      if (msg instanceof LastHttpContent && !informational && !tunnel && --inFlight <= 0) {
        inFlight = 0;
        promise = promise.unvoid();
        promise.addListener(f -> armHeaderTimer()); // waiting for the next request from here on
      }
    }
    ctx.write(msg, promise);
  }

  private void armHeaderTimer() {
    disarmHeaderTimer();
    bytesWhileWaiting = false;
    if (ctx.channel().isActive() && !tunnel) {
      headerTimer = ctx.executor().schedule(this::headerTimeout, limits.headerReadTimeout().toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  private void disarmHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  private void headerTimeout() {
    headerTimer = null;
    if (tunnel || inFlight > 0 || !ctx.channel().isActive()) {
      return;
    }
    if (!bytesWhileWaiting) {
      ctx.close(); // an idle keep-alive connection: nothing to answer
      return;
    }
    observer.rejected(Limits.HEADER_READ_TIMEOUT);
    // the frontend answers, so the 408 is in the access log and the request metrics like any answer
    ctx.fireUserEventTriggered(new HeadersTooSlow("kapi proxy did not receive the request's headers within --"
        + Limits.HEADER_READ_TIMEOUT + "=" + limits.headerReadTimeout().toSeconds() + "s"));
  }

  /** The header read timeout fired with part of a request received: answer 408 and close. */
  record HeadersTooSlow(String message) {
  }

  /** A chunked body past --max-request-body-bytes: how its cut-off end tells the frontend why. */
  static final class BodyTooLarge extends TooLongFrameException {
    BodyTooLarge(String message) {
      super(message);
    }
  }
}
