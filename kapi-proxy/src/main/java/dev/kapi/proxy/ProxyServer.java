package dev.kapi.proxy;

import dev.kapi.proxy.admin.AdminServer;
import dev.kapi.proxy.internal.Operations;
import dev.kapi.proxy.internal.ProxyChannels;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.internal.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kapi proxy} as a library: {@link #start} binds and returns once clients can connect; {@link #close}
 * stops accepting and closes every connection; {@link #shutdownGracefully()} lets what is in flight finish first
 * (see docs/operations.md). Thread-safe; one instance per listener, with its own admin listener if configured.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyConfig config;
  private final EventLoopGroup group;
  private final Channel listener;
  private final String servingOn;
  private final Operations operations;
  private final Optional<AdminServer> admin;
  private final UnixSocketFile socketFile; // null when listening on TCP
  private final LoopWatch loops;

  /** Whether the event loops were asked to stop, and whether one stopped without being asked (a thread died). */
  private static final class LoopWatch {
    final AtomicBoolean stopping = new AtomicBoolean();
    final AtomicBoolean died = new AtomicBoolean();
  }

  private ProxyServer(ProxyConfig config, EventLoopGroup group, Channel listener, String servingOn,
      Operations operations, Optional<AdminServer> admin, UnixSocketFile socketFile, LoopWatch loops) {
    this.config = config;
    this.loops = loops;
    this.socketFile = socketFile;
    this.group = group;
    this.listener = listener;
    this.servingOn = servingOn;
    this.operations = operations;
    this.admin = admin;
  }

  /** Binds the listener and starts serving, with no admin listener, access log or limits. */
  public static ProxyServer start(ProxyConfig config) {
    return start(config, OperationsConfig.none());
  }

  /**
   * Binds the listener (and the admin listener, if {@code ops} has one) and starts serving.
   *
   * @throws UncheckedIOException when an address cannot be bound (in use, not permitted, no such directory)
   */
  public static ProxyServer start(ProxyConfig config, OperationsConfig ops) {
    Transport transport = Transport.best();
    if (config.listen() instanceof Listen.Unix && !transport.isEpoll()) {
      String message = "--unix-socket needs the native epoll transport (Linux x86_64)";
      throw new UncheckedIOException(message, new IOException(message));
    }
    int threads = ioThreads(config);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("kapi-proxy", true),
        transport.ioHandlerFactory());
    LoopWatch watch = new LoopWatch();
    for (io.netty.util.concurrent.EventExecutor loop : group) {
      // an Error escaping a handler ends the loop's thread; the rest of the proxy must not run on without it
      loop.terminationFuture().addListener(f -> {
        if (!watch.stopping.get() && watch.died.compareAndSet(false, true)) {
          LOG.error("event loop {} stopped unexpectedly; stopping the proxy", loop);
          group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
      });
    }
    Channel ch = null;
    UnixSocketFile socketFile = config.listen() instanceof Listen.Unix unix ? new UnixSocketFile(unix.path()) : null;
    try {
      Operations operations = new Operations(config, ops);
      ProxyChannels channels = new ProxyChannels(config, transport, group, operations);
      channels.warmUp(); // the API server's TLS handshake overlaps the bind and the admin listener's start
      ServerBootstrap b = new ServerBootstrap().group(group)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyChannels.WATER_MARK)
          .childHandler(channels);
      String servingOn;
      if (socketFile != null) {
        b.channel(transport.domainServerChannel());
        ch = bindUnix(b, socketFile);
        servingOn = ((Listen.Unix) config.listen()).path().toString();
      } else {
        Listen.Tcp tcp = (Listen.Tcp) config.listen();
        b.channel(transport.serverChannel()).childOption(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true);
        ch = bind(b, new InetSocketAddress(tcp.address(), tcp.port()));
        InetSocketAddress a = (InetSocketAddress) ch.localAddress();
        // RFC 5952's short form, as Go prints it: kubectl proxy --address=0.0.0.0 says "[::]:8001"
        String host = NetUtil.toAddressString(a.getAddress());
        servingOn = (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
      }
      Optional<AdminServer> admin;
      try {
        admin = operations.startAdmin(group, transport);
      } catch (IllegalStateException e) {
        String message = dev.kapi.proxy.internal.NativeErrors.reason(e.getMessage());
        throw new UncheckedIOException(message, new IOException(message, e));
      }
      LOG.debug("serving on {} ({} transport, {} threads) for {}", servingOn, transport.name(), threads,
          config.cluster());
      return new ProxyServer(config, group, ch, servingOn, operations, admin, socketFile, watch);
    } catch (RuntimeException e) {
      watch.stopping.set(true);
      if (ch != null) {
        ch.close();
        releaseQuietly(socketFile); // e.g. the admin address was taken: leave no socket behind
      }
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * One I/O thread per two CPUs the process may use, at least one. An ambassador shares its Pod's CPUs with the
   * containers it serves, and one event loop forwards 20,000+ small requests a second here; a second loop on a
   * 2-CPU machine added about 15 % CPU per request on C1 and nearly doubled it on C2 (more wake-ups, less
   * batching per epoll call; docs/benchmarks.md, "Proxy"). {@code --io-threads} overrides it.
   */
  static int defaultIoThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private static Channel bind(ServerBootstrap b, SocketAddress address) {
    try {
      return b.bind(address).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + address, e);
    } catch (Exception e) {
      String why = dev.kapi.proxy.internal.NativeErrors.reason(e.getMessage());
      String where = address instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : address.toString();
      String message = "cannot listen on " + where + ": " + why;
      throw new UncheckedIOException(message, new IOException(message, e));
    }
  }

  /**
   * kubectl removes any socket file there and listens under umask 0077. Here only a stale socket is removed
   * ({@link UnixSocketFile}), and the socket is bound inside a fresh
   * owner-only directory, set to 0600 and then renamed into place, so it is never reachable by others, even
   * briefly, whatever the umask.
   */
  private static Channel bindUnix(ServerBootstrap b, UnixSocketFile file) {
    Path target = file.path();
    Path dir = target.getParent();
    try {
      file.claim();
      Path tmp = Files.createTempDirectory(dir, ".kapi-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try {
        Path sock = tmp.resolve("s");
        Channel ch = bind(b, new DomainSocketAddress(sock.toString()));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
        Files.move(sock, target, StandardCopyOption.ATOMIC_MOVE);
        file.bound();
        return ch;
      } finally {
        Files.deleteIfExists(tmp.resolve("s"));
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      String message = "cannot listen on unix socket " + target + ": " + e.getMessage();
      throw new UncheckedIOException(message, new IOException(message, e));
    }
  }

  private static void releaseQuietly(UnixSocketFile file) {
    if (file != null) {
      try {
        file.release();
      } catch (IOException e) {
        LOG.warn("cannot remove unix socket {}: {}", file.path(), e.getMessage());
      }
    }
  }

  /** What kubectl prints after "Starting to serve on ": HOST:PORT (the real port) or the socket path. */
  public String servingOn() {
    return servingOn;
  }

  /** The bound port, or -1 for a unix socket. */
  public int port() {
    return listener.localAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
  }

  /** The proxy's metrics (what the admin listener's {@code /metrics} serves); empty without an admin listener. */
  public Optional<dev.kapi.proxy.observe.ProxyMetrics> metrics() {
    return operations.metrics();
  }

  /** How many threads serve connections. */
  public int ioThreads() {
    return ioThreads(config);
  }

  private static int ioThreads(ProxyConfig config) {
    return config.eventLoopThreads() > 0 ? config.eventLoopThreads() : defaultIoThreads();
  }

  /** Which TLS engine talks to the API server: "BoringSSL" (netty-tcnative, when it loads) or "JDK". */
  public String tlsEngine() {
    return io.netty.handler.ssl.OpenSsl.isAvailable() ? "BoringSSL" : "JDK";
  }

  public ProxyConfig config() {
    return config;
  }

  /** Where {@code /livez}, {@code /readyz} and {@code /metrics} are served, if anywhere. */
  public Optional<InetSocketAddress> adminAddress() {
    return admin.map(AdminServer::localAddress);
  }

  /**
   * Graceful shutdown (SIGTERM): readiness fails, the listener closes, each connection finishes what it is doing
   * (watches end cleanly at an event boundary), tunnels are closed last, and after at most the grace period the
   * event loops stop. Completes when the server is fully closed; calling it again returns the same future.
   */
  public CompletableFuture<GracefulShutdown.Summary> shutdownGracefully() {
    loops.stopping.set(true);
    return operations.shutdown().shutdown(() -> listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS))
        .thenApplyAsync(summary -> { // off the event loop: close() waits for the loops to stop
          LOG.info("shut down in {} ms: {} connections finished, {} closed at the deadline ({} tunnels)",
              summary.took().toMillis(), summary.drained(), summary.forced() + summary.tunnelsForced(),
              summary.tunnelsForced());
          close();
          return summary;
        });
  }

  /** True when an event loop stopped without a shutdown asked for: the process should exit with an error. */
  public boolean stoppedUnexpectedly() {
    return loops.died.get();
  }

  /** Blocks until the server is closed. */
  public void awaitClosed() throws InterruptedException {
    group.terminationFuture().await();
  }

  /** Stops accepting, closes every connection, stops the threads; the socket file is removed. */
  @Override
  public void close() {
    loops.stopping.set(true);
    listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    admin.ifPresent(AdminServer::close);
    releaseQuietly(socketFile);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
