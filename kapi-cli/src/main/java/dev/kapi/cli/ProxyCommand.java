package dev.kapi.cli;

import static dev.kapi.cli.Flags.option;

import dev.kapi.config.ClusterConfig;
import dev.kapi.proxy.FilterRules;
import dev.kapi.proxy.GoDurations;
import dev.kapi.proxy.Listen;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.OperationsConfig;
import dev.kapi.proxy.ProxyServer;
import dev.kapi.proxy.StartupWarmUp;
import dev.kapi.proxy.UpstreamHttp2;
import dev.kapi.proxy.lifecycle.GracefulShutdown;
import dev.kapi.proxy.observe.AccessLog;
import dev.kapi.proxy.observe.AsyncLineWriter;
import dev.kapi.proxy.observe.LineSink;
import dev.kapi.proxy.observe.VerboseRequestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kapi proxy}: kubectl proxy's flags and defaults, plus {@code --token-file}, {@code --read-only} and
 * {@code --allow-impersonation}. With no connection flags inside a Pod it uses the in-cluster config, with the
 * token file re-read when the kubelet rotates it. Prints {@code Starting to serve on HOST:PORT} once listening and
 * runs until terminated.
 */
public final class ProxyCommand implements Callable<Integer> {

  /**
   * kubectl's {@code -v} and {@code --request-timeout}, which kubectl proxy accepts and ignores, act on proxied
   * requests here, so their help says so; {@code -n} is accepted and ignored, as by kubectl proxy.
   */
  private static final Map<String, String> CONNECTION_FLAGS_ON_PROXIED_REQUESTS = Map.of(
      "requestTimeout", "How long an ordinary request may wait for the API server's response headers before the "
          + "proxy answers 504 (e.g. 5s, 1m); 0 waits forever. Watches, followed logs and upgrades are never cut. "
          + "(default: " + GoDurations.format(ProxyConfig.DEFAULT_RESPONSE_HEADER_TIMEOUT) + ")",
      "verbosity", "Log one line per request on stderr: method, path, status, time, and what rejected or cut it "
          + "(never a header or credential). Errors show stack traces.",
      "namespace", "Accepted as kubectl proxy accepts it, and ignored: a proxied path names its own namespace.");

  int port;
  String address;
  String acceptPaths;
  String rejectPaths;
  String acceptHosts;
  String rejectMethods;
  String apiPrefix;
  String www;
  String wwwPrefix;
  boolean disableFilter;
  String unixSocket;
  String keepalive;
  boolean appendServerPath;
  int ioThreads;
  String upstreamHttp2;
  boolean readOnly;
  boolean allowImpersonation;

  private final ConnectionOptions connection; // kubectl's, as every other command has them
  private final OperationsOptions operations = new OperationsOptions(); // admin listener, access log, limits, shutdown
  private final SecurityOptions security = new SecurityOptions(); // --policy, --deny-exec, hard limits

  ProxyCommand(ConnectionOptions connection) {
    this.connection = connection;
  }

  /**
   * The command's picocli model, defined in code ({@link Flags}): kubectl proxy's flags and kapi's, then the
   * connection flags (docs/proxy.md), the operations flags (docs/operations.md) and the security flags
   * (docs/security.md).
   */
  CommandSpec spec() {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("proxy")
        .versionProvider(new VersionCommand.Provider());
    spec.usageMessage().sortOptions(false).description(
        "Run a proxy to the Kubernetes API server, as kubectl proxy does: requests to localhost are forwarded with "
            + "the Pod's credentials, filtered, and streamed.",
        "Inside a Pod no flags are needed: the service account's token (re-read on rotation) and CA are used.");
    spec.addOption(option(this, "port", "-p", "--port").defaultValue("8001")
        .description("The port on which to run the proxy. Set to 0 to pick a random port. (default: ${DEFAULT-VALUE})")
        .build());
    spec.addOption(option(this, "address", "--address")
        .defaultValue(ProxyConfig.DEFAULT_ADDRESS)
        .description("The IP address on which to serve on. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "acceptPaths", "--accept-paths")
        .defaultValue(FilterRules.DEFAULT_ACCEPT_PATHS)
        .description("Regular expression for paths that the proxy should accept. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "rejectPaths", "--reject-paths")
        .defaultValue(FilterRules.DEFAULT_REJECT_PATHS)
        .description("Regular expression for paths that the proxy should reject. Paths specified here will be "
            + "rejected even accepted by --accept-paths. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "acceptHosts", "--accept-hosts")
        .defaultValue(FilterRules.DEFAULT_ACCEPT_HOSTS)
        .description("Regular expression for hosts that the proxy should accept, matched against the Host header "
            + "without its port (IPv6 brackets kept). (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "rejectMethods", "--reject-methods")
        .defaultValue(FilterRules.DEFAULT_REJECT_METHODS)
        .description("Regular expression for HTTP methods that the proxy should reject (example "
            + "--reject-methods='POST,PUT,PATCH'). (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "apiPrefix", "--api-prefix")
        .defaultValue(ProxyConfig.DEFAULT_API_PREFIX)
        .description("Prefix to serve the proxied API under. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "www", "-w", "--www").defaultValue("")
        .description("Also serve static files from the given directory under the specified prefix.").build());
    spec.addOption(option(this, "wwwPrefix", "-P", "--www-prefix")
        .defaultValue(ProxyConfig.DEFAULT_WWW_PREFIX)
        .description("Prefix to serve static files under, if static file directory is specified. "
            + "(default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "disableFilter", "--disable-filter").arity("0..1")
        .defaultValue("false")
        .description("If true, disable request filtering in the proxy. This is dangerous, and can leave you "
            + "vulnerable to XSRF attacks, when used with an accessible port.").build());
    spec.addOption(option(this, "unixSocket", "-u", "--unix-socket")
        .defaultValue("")
        .description("Unix socket on which to run the proxy (created readable and writable by its owner only).")
        .build());
    spec.addOption(option(this, "keepalive", "--keepalive").defaultValue("0s")
        .description("TCP keep-alive period for connections to the API server: probes start after this much idle "
            + "time and repeat at this interval. 0 uses 30s (client-go's dialer default); a negative value disables "
            + "keep-alive. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "appendServerPath", "--append-server-path")
        .arity("0..1").defaultValue("false")
        .description("If true, enables automatic path appending of the kube context server path to each request.")
        .build());
    spec.addOption(option(this, "ioThreads", "--io-threads").defaultValue("0")
        .paramLabel("N")
        .description("Threads serving connections (each connection stays on one). 0: one per two CPUs the process "
            + "may use, at least one. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "upstreamHttp2", "--upstream-http2")
        .defaultValue("long-running").paramLabel("off|long-running|all")
        .description("Which requests travel as streams of a shared HTTP/2 connection to the API server, when it "
            + "offers HTTP/2: off (one HTTP/1.1 connection per request in flight), long-running (watches, followed "
            + "logs and proxied services share a few connections; short requests use HTTP/1.1), all (as client-go). "
            + "Upgrades always get their own HTTP/1.1 connection. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "readOnly", "--read-only").arity("0..1")
        .defaultValue("false")
        .description("Allow only GET, HEAD and OPTIONS (watches included); refuse everything else with 403.").build());
    spec.addOption(option(this, "allowImpersonation", "--allow-impersonation").arity("0..1").defaultValue("false")
        .description("Pass Impersonate-*, X-Remote-* and WebSocket bearer-token subprotocols through to the API "
            + "server. By default they are removed, so a client cannot use the proxy's impersonation rights.").build());
    spec.addMixin("connection", connection.mixin(CONNECTION_FLAGS_ON_PROXIED_REQUESTS));
    operations.addTo(spec);
    security.addTo(spec);
    spec.addOption(Flags.usageHelp()); // last, where picocli's standard help options go
    spec.addOption(Flags.versionHelp());
    return spec;
  }

  /**
   * {@code kapi proxy ARGS}, Main's fast path. Start-up to the first response is a target (a new Pod waits on
   * it), and most of it is class initialisation on one thread; so what the proxy will need whatever its flags (the
   * JDK's TLS, BoringSSL, Netty's native transport) is initialised on a second thread while this one builds the
   * command line and parses the flags.
   */
  static int run(String... args) {
    CountDownLatch loggingReady = new CountDownLatch(1);
    Thread prepare = new Thread(new StartupWarmUp(loggingReady), "kapi-proxy-prepare");
    prepare.setDaemon(true);
    prepare.start(); // the JDK's TLS first, while this thread sets Netty's properties and initialises logging
    defaultSystemProperties();
    org.slf4j.LoggerFactory.getILoggerFactory();
    loggingReady.countDown();
    return commandLine(new ConnectionOptions()).execute(args);
  }

  /** Netty properties that must be set before its classes initialise; an explicit -D wins. */
  private static void defaultSystemProperties() {
    // Netty records JFR events for its buffer chunks unless told not to; registering the event types costs start-up
    // time and memory, and nobody records them here (set the property to true to get them back)
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Netty's buffer-leak sampling touches every message on every hop; it is a debugging aid (set
    // -Dio.netty.leakDetection.level=simple or paranoid to use it), not something a production proxy should pay for
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
  }

  /** {@code kapi proxy} on its own, named and erroring as it does under {@code kapi}. */
  static picocli.CommandLine commandLine(ConnectionOptions connection) {
    if (System.getProperty("picocli.converters.excludes") == null) {
      // none of this command's options is a date, time or SQL type; registering their converters reflectively
      // loads java.sql and java.time classes at every start
      System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
    }
    picocli.CommandLine cl = new picocli.CommandLine(new ProxyCommand(connection).spec());
    cl.setCommandName("kapi proxy");
    return OneLineErrors.configure(cl);
  }

  @Override
  public Integer call() throws Exception {
    defaultSystemProperties(); // when run as a subcommand of kapi rather than through run()
    ProxyConfig config = config();
    operations.applyLogLevel();
    Optional<AsyncLineWriter> accessLog = operations.accessLog
        ? Optional.of(LineSink.async(System.out, "kapi-access-log", AccessLog::droppedNotice)) : Optional.empty();
    Optional<AsyncLineWriter> requestLog = connection.verbosity() > 0
        ? Optional.of(LineSink.async(System.err, "kapi-request-log", VerboseRequestLog::droppedNotice))
        : Optional.empty();
    OperationsConfig ops = operations.toConfig(accessLog.map(w -> w)).withRequestLog(requestLog.map(w -> w));
    ProxyServer server = ProxyServer.start(config, ops);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kapi-proxy-shutdown"));
    GracefulSignals signals = GracefulSignals.install(server, operations.shutdownGrace);
    System.err.println(startupLine(server, ops));
    System.out.println("Starting to serve on " + server.servingOn());
    System.out.flush();
    server.awaitClosed();
    signals.started().ifPresent(done -> {
      GracefulShutdown.Summary s = done.join();
      System.err.println("kapi proxy: shut down in " + s.took().toMillis() + " ms: " + s.drained()
          + " connections finished, " + (s.forced() + s.tunnelsForced()) + " closed at the deadline");
    });
    accessLog.ifPresent(AsyncLineWriter::close);
    requestLog.ifPresent(AsyncLineWriter::close);
    // an exec credential plugin still running was started for this proxy alone: it must not outlive it
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    if (server.stoppedUnexpectedly()) {
      System.err.println("kapi proxy: an event loop stopped unexpectedly (see the error above); exiting");
      return 1;
    }
    return 0;
  }

  /** The effective configuration in one line on stderr; names credentials by their source, never their value. */
  private String startupLine(ProxyServer server, OperationsConfig ops) {
    ProxyConfig c = server.config();
    String filter = c.filter().isEmpty() ? "disabled" : "accept-paths=" + acceptPaths + " reject-paths=" + rejectPaths
        + " accept-hosts=" + acceptHosts + " reject-methods=" + rejectMethods;
    return "kapi proxy: serving on " + server.servingOn() + " for " + c.cluster() + "; filter " + filter
        + "; api-prefix " + c.apiPrefix() + (c.www().isPresent() ? "; www " + c.www().get() + " at " + c.wwwPrefix() : "")
        + "; read-only " + c.readOnly() + "; allow-impersonation " + c.allowImpersonation()
        + "; upstream-http2 " + c.upstreamHttp2().flagValue()
        + "; tls " + server.tlsEngine() + ", " + server.ioThreads() + " io thread" + (server.ioThreads() == 1 ? "" : "s")
        + "; " + ops.describe().replace("admin " + ops.admin().map(a -> a.getHostString() + ":" + a.getPort())
            .orElse("off"), "admin " + server.adminAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse("off"))
        + "; log-level " + operations.logLevel;
  }

  /** Flags → one immutable configuration; usage errors exit 2 with one line, as the issue and kubectl want. */
  ProxyConfig config() {
    Listen listen;
    if (!unixSocket.isEmpty()) {
      if (port != ProxyConfig.DEFAULT_PORT) {
        throw new ExitCodeException(2, "cannot set --unix-socket and --port at the same time");
      }
      listen = Listen.unix(Path.of(unixSocket));
    } else {
      if (port < 0 || port > 65535) {
        throw new ExitCodeException(2, "--port must be between 0 and 65535, got " + port);
      }
      listen = Listen.tcp(address, port);
    }
    Duration keepAlive = GoDurations.parse(keepalive)
        .orElseThrow(() -> new ExitCodeException(2, "--keepalive: invalid duration \"" + keepalive
            + "\" (use Go syntax, e.g. 30s, 1m30s)"));
    FilterRules rules;
    try {
      rules = FilterRules.parse(acceptPaths, rejectPaths, acceptHosts, rejectMethods);
    } catch (FilterRules.InvalidRuleException e) {
      throw new ExitCodeException(2, e.getMessage());
    }
    ConnectionOptions conn = connection.effective(); // flags after "proxy" over those before it
    if (conn.token != null && conn.tokenFile != null) {
      throw new ExitCodeException(2, "--token and --token-file cannot both be set");
    }
    Duration headerTimeout;
    try {
      headerTimeout = conn.requestTimeout().orElse(ProxyConfig.DEFAULT_RESPONSE_HEADER_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new ExitCodeException(2, e.getMessage());
    }
    // one wait for response headers for everything the proxy sends upstream, the discovery cache's fetches included
    ClusterConfig clusterConfig = conn.config().toBuilder().requestTimeout(headerTimeout).build();

    if (ioThreads < 0) {
      throw new ExitCodeException(2, "--io-threads must be 0 (one per CPU) or more, got " + ioThreads);
    }
    UpstreamHttp2 http2;
    try {
      http2 = UpstreamHttp2.parse(upstreamHttp2);
    } catch (IllegalArgumentException e) {
      throw new ExitCodeException(2, "--upstream-http2: " + e.getMessage());
    }
    ProxyConfig.Builder b = ProxyConfig.builder(clusterConfig).upstreamHttp2(http2).listen(listen).filter(rules).apiPrefix(apiPrefix)
        .wwwPrefix(wwwPrefix).keepAlive(keepAlive).appendServerPath(appendServerPath).readOnly(readOnly)
        .allowImpersonation(allowImpersonation).eventLoopThreads(ioThreads).responseHeaderTimeout(headerTimeout);
    security.apply(b);
    if (!www.isEmpty()) {
      Path dir = Path.of(www);
      if (!Files.isDirectory(dir)) {
        warn("static file directory " + dir + " does not exist or is not a directory");
      }
      b.www(dir);
    }
    if (disableFilter) {
      if (listen instanceof Listen.Tcp) {
        warn("Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious");
      }
      b.disableFilter();
    }
    if (!appendServerPath && !clusterConfig.pathPrefix().isEmpty()) {
      warn("Your kube context contains a server path " + clusterConfig.pathPrefix()
          + ", use --append-server-path to automatically append the path to each request");
    }
    return b.build();
  }

  private static void warn(String message) {
    System.err.println("warning: " + message);
  }
}
