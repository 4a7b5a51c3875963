package dev.kapi.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * The native epoll transport when it loads (fewer copies and syscalls, TCP keep-alive tuning, unix sockets), else
 * the JDK's NIO. Chosen once at start.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> socketChannel, Class<? extends ServerChannel> domainServerChannel) {

  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
          EpollSocketChannel.class, EpollServerDomainSocketChannel.class);
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
        null);
  }

  public boolean isEpoll() {
    return name.equals("epoll");
  }

  /** SO_KEEPALIVE with the given idle time and probe interval (Go's {@code net.Dialer.KeepAlive} semantics). */
  void keepAlive(Bootstrap b, Optional<Duration> period) {
    if (period.isEmpty()) {
      b.option(ChannelOption.SO_KEEPALIVE, false);
      return;
    }
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, period.get().toSeconds()));
    b.option(ChannelOption.SO_KEEPALIVE, true);
    if (isEpoll()) {
      b.option(EpollChannelOption.TCP_KEEPIDLE, seconds).option(EpollChannelOption.TCP_KEEPINTVL, seconds);
    } else {
      b.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds)
          .option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds);
    }
  }
}
