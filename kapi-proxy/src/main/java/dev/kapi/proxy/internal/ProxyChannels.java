package dev.kapi.proxy.internal;

import dev.kapi.config.CredentialsUnavailableException;
import dev.kapi.proxy.Limits;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.observe.ObservedExchange;
import dev.kapi.proxy.observe.Rejection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the shared {@link ProxyContext} and the per-connection pipeline: request decoder, response encoder,
 * {@link RequestLimits}, {@link FrontendHandler} (a connection over {@code --max-connections} gets a 503 instead). No aggregator, no compressor, no idle-state handler: bodies stream as they are.
 */
public final class ProxyChannels extends ChannelInitializer<Channel> {

  /** Writes queue up to this much before a side stops reading the other (and resumes below the low mark). */
  public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  /**
   * A client's queue while it holds a watch, followed log or proxied stream. Events are small and a reader takes
   * them as they come, so a quarter of the ordinary queue costs nothing; what it saves is memory held for
   * hundreds of watch clients that read slowly or not at all, each up to its high mark before it counts as stalled.
   */
  static final WriteBufferWaterMark STREAM_WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private final ProxyContext px;
  private final Map<EventLoop, UpstreamPool> pools;

  public ProxyChannels(ProxyConfig config, Transport transport, EventLoopGroup group) {
    this(config, transport, group, Operations.none(config));
  }

  public ProxyChannels(ProxyConfig config, Transport transport, EventLoopGroup group, Operations ops) {
    UpstreamConnector connector = new UpstreamConnector(config.cluster(), transport, config.effectiveKeepAlive(),
        WATER_MARK, ops.upstream);
    Map<EventLoop, UpstreamPool> p = new HashMap<>();
    for (EventExecutor e : group) {
      EventLoop loop = (EventLoop) e;
      p.put(loop, new UpstreamPool(loop, connector, config.maxIdleUpstreamPerThread()));
    }
    this.pools = p;
    this.px = new ProxyContext(config, connector, p, ops);
  }

  /** Opens one API server connection ahead of the first request, so it finds TLS ready. */
  public void warmUp() {
    boolean multiplexed = px.multiplexes(ExchangeKind.UNARY); // the first request is most likely a short one
    pools.values().stream().findFirst().ifPresent(p -> p.loop().execute(() -> {
      try {
        px.credentials.authorizationWithoutWaiting(); // an exec plugin starts running now, in the background
      } catch (CredentialsUnavailableException notYet) {
        return; // no connection before the credential: it would present no client certificate the plugin may return
      }
      p.warm(multiplexed);
    }));
  }

  @Override
  protected void initChannel(Channel ch) {
    Limits limits = px.config.limits();
    if (!px.connections.tryTake(ch)) {
      px.ops.limitRejected(Limits.CONNECTIONS);
      FullHttpResponse busy = StatusResponses.status(ch.alloc(), 503, "ServiceUnavailable", "kapi proxy has "
          + px.connections.max() + " client connections open (--" + Limits.CONNECTIONS + ")", 1);
      FrontendHandler.markClose(busy);
      ObservedExchange seen = UnreadRequest.observe(px.ops.exchanges, new Rejection(Rejection.LIMIT, Limits.CONNECTIONS));
      seen.responseStarted(503, "");
      seen.toClient(busy.content().readableBytes());
      seen.completed();
      ch.pipeline().addLast("encoder", new HttpResponseEncoder());
      ch.write(busy);
      LingeringClose.afterFlush(ch); // the client's request is unread: a plain close could turn the 503 into a reset
      return;
    }
    FrontendCodec.RequestDecoder decoder = new FrontendCodec.RequestDecoder(limits);
    FrontendCodec.ResponseEncoder encoder = new FrontendCodec.ResponseEncoder();
    RequestLimits requestLimits = new RequestLimits(limits, px.ops::limitRejected);
    ch.pipeline().addLast("bytes-in", requestLimits.bytesIn()).addLast("decoder", decoder).addLast("encoder", encoder)
        .addLast("limits", requestLimits).addLast("frontend", new FrontendHandler(px, decoder, encoder));
  }
}
