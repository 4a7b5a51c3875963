package dev.kapi.proxy.internal;

import dev.kapi.proxy.ProxyConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the shared {@link ProxyContext} and the per-connection pipeline: request decoder, response encoder,
 * {@link FrontendHandler}. No aggregator, no compressor, no idle-state handler: bodies stream as they are.
 */
public final class ProxyChannels extends ChannelInitializer<Channel> {

  /** Writes queue up to this much before a side stops reading the other (and resumes below the low mark). */
  public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

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
    pools.values().stream().findFirst().ifPresent(p -> p.loop().execute(p::warm));
  }

  @Override
  protected void initChannel(Channel ch) {
    FrontendCodec.RequestDecoder decoder = new FrontendCodec.RequestDecoder();
    FrontendCodec.ResponseEncoder encoder = new FrontendCodec.ResponseEncoder();
    ch.pipeline().addLast("decoder", decoder).addLast("encoder", encoder)
        .addLast("frontend", new FrontendHandler(px, decoder, encoder));
  }
}
