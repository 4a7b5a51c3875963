package dev.kapi.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener ({@code --admin-address}, default {@code 127.0.0.1:9091}): {@code /livez}, {@code /readyz},
 * {@code /metrics}. It has its own address so that these paths never shadow the API server's own
 * {@code /livez}, {@code /readyz} and {@code /metrics}, which clients reach through the proxy; and its own single
 * event loop, so that it can tell whether the proxy's loops are stuck without being stuck with them.
 */
public final class AdminServer implements AutoCloseable {

  /** Connections at once: kubelet probes and a scraper or two; more are closed as they arrive. */
  static final int MAX_CONNECTIONS = 64;
  /** A connection that sends nothing for this long is closed (a scraper reconnects on its next scrape). */
  static final int IDLE_SECONDS = 30;

  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds {@code address} and serves; throws if the address cannot be bound. */
  public static AdminServer start(InetSocketAddress address, AdminRoutes routes, IoHandlerFactory io,
      Class<? extends ServerChannel> serverChannel) {
    java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kapi-admin", true), io);
    try {
      Channel ch = new ServerBootstrap().group(group).channel(serverChannel)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              if (open.incrementAndGet() > MAX_CONNECTIONS) { // probes and a scraper need a handful
                open.decrementAndGet();
                c.close();
                return;
              }
              c.closeFuture().addListener(f -> open.decrementAndGet());
              // Admin requests are tiny GETs; aggregating them is fine here (never on proxied traffic). A connection
              // that sends nothing for IDLE_SECONDS is closed, half-sent requests included.
              c.pipeline().addLast(new io.netty.handler.timeout.ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                  new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new AdminHandler(routes));
            }
          })
          .bind(address).syncUninterruptibly().channel();
      return new AdminServer(group, ch);
    } catch (Exception e) { // BindException arrives unchecked through Netty's future
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("cannot listen on admin address " + address.getHostString() + ":"
          + address.getPort() + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Stops listening and closes open admin connections. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(Duration.ofSeconds(2).toMillis());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
