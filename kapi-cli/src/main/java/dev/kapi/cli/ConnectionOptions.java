package dev.kapi.cli;

import static dev.kapi.cli.Flags.option;

import dev.kapi.client.KubeClient;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * kubectl's global connection flags, as a picocli mixin defined in code ({@link Flags}): on {@code kapi} itself and
 * on each command that talks to a server, so they work on either side of the subcommand ({@code kapi -n a get pods}
 * = {@code kapi get pods -n a}).
 * The command reads the {@link #effective() effective} flags: its own over its parent's. Resolution is
 * kapi-config's: flags over a kubeconfig (flag or KUBECONFIG) over the in-cluster service account over
 * ~/.kube/config. The environment and home directory are injectable so tests can run a command as a Pod would,
 * in-process.
 */
public final class ConnectionOptions {

  private final Map<String, String> env;
  private final Path home;

  Path kubeconfig;
  String context;
  String cluster;
  String user;
  String namespace;
  String server;
  String token;
  Path tokenFile;
  Path certificateAuthority;
  Path clientCertificate;
  Path clientKey;
  // boxed, as is -v: null means "not given here", so a value given before the subcommand is not overridden
  Boolean insecureSkipTlsVerify;
  String tlsServerName;
  String requestTimeout;
  Integer verbosity;

  /** These flags as picocli options, made on first use: the copies {@link #effective()} makes need none. */
  private CommandSpec mixin;

  /**
   * {@code -v} alone means level 6 and must not swallow the next argument ({@code kapi get -v pods}); a level is
   * taken only when attached ({@code -v=8}) or when the next argument is a number.
   */
  static final class VerbosityLevel implements picocli.CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(java.util.Stack<String> args, picocli.CommandLine.Model.CommandSpec spec,
        picocli.CommandLine.Model.ArgSpec option, Map<String, Object> info) {
      if (!" ".equals(info.get("separator"))) {
        return false; // -v=8: picocli converts it
      }
      if (args.isEmpty() || !args.peek().matches("\\d+")) {
        args.push("6"); // as if -v=6 was typed; the next argument stays what it is
      }
      return false;
    }
  }

  /** The process's own environment. */
  public ConnectionOptions() {
    this(System.getenv(), ConfigLoader.home(System.getenv()));
  }

  /** A given environment and home directory (tests; a Pod's environment). */
  public ConnectionOptions(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  /** The flags as a picocli mixin, to add under the name "connection"; one per instance. */
  CommandSpec mixin() {
    return mixin(Map.of());
  }

  /**
   * The same, with some flags described for the command that has them ({@code kapi proxy}'s {@code -v} and
   * {@code --request-timeout} act on proxied requests, and its {@code -n} on nothing), keyed by field name.
   */
  CommandSpec mixin(Map<String, String> descriptions) {
    if (mixin == null) {
      mixin = options(descriptions);
    }
    return mixin;
  }

  private CommandSpec options(Map<String, String> descriptions) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
    spec.addOption(option(this, "kubeconfig", "--kubeconfig")
        .description("Path to the kubeconfig file to use.").build());
    spec.addOption(option(this, "context", "--context")
        .description("The name of the kubeconfig context to use.").build());
    spec.addOption(option(this, "cluster", "--cluster")
        .description("The name of the kubeconfig cluster to use.").build());
    spec.addOption(option(this, "user", "--user")
        .description("The name of the kubeconfig user to use.").build());
    spec.addOption(option(this, "namespace", "-n", "--namespace")
        .description(descriptions.getOrDefault("namespace", "The namespace scope for this request.")).build());
    spec.addOption(option(this, "server", "-s", "--server")
        .description("The address and port of the Kubernetes API server.").build());
    spec.addOption(option(this, "token", "--token")
        .description("Bearer token for authentication to the API server.").build());
    spec.addOption(option(this, "tokenFile", "--token-file")
        .description("File holding the bearer token; re-read when it changes.").build());
    spec.addOption(option(this, "certificateAuthority", "--certificate-authority")
        .description("Path to a cert file for the certificate authority.").build());
    spec.addOption(option(this, "clientCertificate", "--client-certificate")
        .description("Path to a client certificate file for TLS.").build());
    spec.addOption(option(this, "clientKey", "--client-key")
        .description("Path to a client key file for TLS.").build());
    spec.addOption(option(this, "insecureSkipTlsVerify", "--insecure-skip-tls-verify").arity("0..1")
        .fallbackValue("true")
        .description("If true, the server's certificate will not be checked for validity.").build());
    spec.addOption(option(this, "tlsServerName", "--tls-server-name")
        .description("Server name to use for server certificate validation.").build());
    spec.addOption(option(this, "requestTimeout", "--request-timeout")
        .description(descriptions.getOrDefault("requestTimeout",
            "Time to wait for response headers (e.g. 5s, 1m); 0 waits forever. (default: 30s)")).build());
    spec.addOption(option(this, "verbosity", "-v", "--v").arity("0..1")
        .fallbackValue("6").paramLabel("LEVEL").preprocessor(new VerbosityLevel())
        .description(descriptions.getOrDefault("verbosity", "Log each request to stderr (credentials redacted); 8 or "
            + "more adds headers, and errors show stack traces.")).build());
    return spec;
  }

  /** The connection flags of a command that has them as its "connection" mixin. */
  static ConnectionOptions of(CommandSpec command) {
    CommandSpec m = command.mixins().get("connection");
    if (m == null || !(m.userObject() instanceof ConnectionOptions c)) {
      throw new IllegalStateException(command.qualifiedName() + " has no connection flags");
    }
    return c;
  }

  /**
   * The flags this command runs with: each one given after the subcommand, else the one given before it (on
   * {@code kapi}). That is kubectl's rule, the last occurrence wins, because flags after the subcommand always come
   * after those before it; repeats on one side are resolved by picocli (overwritten options are allowed).
   */
  public ConnectionOptions effective() {
    ConnectionOptions outer = outer();
    if (outer == null) {
      return this;
    }
    ConnectionOptions before = outer.effective();
    ConnectionOptions e = new ConnectionOptions(env, home);
    e.kubeconfig = given(kubeconfig, before.kubeconfig);
    e.context = given(context, before.context);
    e.cluster = given(cluster, before.cluster);
    e.user = given(user, before.user);
    e.namespace = given(namespace, before.namespace);
    e.server = given(server, before.server);
    e.token = given(token, before.token);
    e.tokenFile = given(tokenFile, before.tokenFile);
    e.certificateAuthority = given(certificateAuthority, before.certificateAuthority);
    e.clientCertificate = given(clientCertificate, before.clientCertificate);
    e.clientKey = given(clientKey, before.clientKey);
    e.insecureSkipTlsVerify = given(insecureSkipTlsVerify, before.insecureSkipTlsVerify);
    e.tlsServerName = given(tlsServerName, before.tlsServerName);
    e.requestTimeout = given(requestTimeout, before.requestTimeout);
    e.verbosity = given(verbosity, before.verbosity);
    return e;
  }

  private static <T> T given(T here, T before) {
    return here != null ? here : before;
  }

  /** The same mixin on the parent command ({@code kapi}), if this one is on a subcommand. */
  private ConnectionOptions outer() {
    if (mixin == null) {
      return null;
    }
    CommandSpec mixee = mixin.options().get(0).command(); // an option belongs to the command it was last added to
    if (mixee == null || mixee == mixin || mixee.parent() == null) {
      return null;
    }
    CommandSpec outer = mixee.parent().mixins().get("connection");
    return outer != null && outer.userObject() instanceof ConnectionOptions c ? c : null;
  }

  public ConfigFlags flags() {
    ConnectionOptions e = effective();
    return ConfigFlags.builder().kubeconfig(e.kubeconfig).context(e.context).cluster(e.cluster).user(e.user)
        .namespace(e.namespace).server(e.server).token(e.token).tokenFile(e.tokenFile)
        .certificateAuthority(e.certificateAuthority).clientCertificate(e.clientCertificate).clientKey(e.clientKey)
        .insecureSkipTlsVerify(Boolean.TRUE.equals(e.insecureSkipTlsVerify)).tlsServerName(e.tlsServerName).build();
  }

  public ClusterConfig config() {
    ClusterConfig c = new ConfigLoader(env, home).load(flags());
    Optional<Duration> timeout = requestTimeout();
    return timeout.isPresent() ? c.toBuilder().requestTimeout(timeout.get()).build() : c;
  }

  /** The {@code --request-timeout} in effect, if given; a value that is not a duration is an IllegalArgumentException. */
  public Optional<Duration> requestTimeout() {
    return Optional.ofNullable(effective().requestTimeout).map(ConnectionOptions::parseDuration);
  }

  /** A client for the resolved configuration; with {@code -v} it logs requests to {@code err}. */
  public KubeClient client(PrintWriter err) {
    int level = verbosity();
    ClusterConfig c = config();
    KubeClient.Builder b = KubeClient.builder(c);
    if (level > 0) {
      err.println("kapi: " + c);
      err.flush();
      b.requestLog(line -> {
        err.println(line);
        err.flush();
      }, level >= 8);
    }
    return b.build();
  }

  /** The {@code -n} in effect, if any; {@code -n ""} is none, as in kubectl (the context's namespace then applies). */
  public Optional<String> namespace() {
    return Optional.ofNullable(effective().namespace).filter(n -> !n.isEmpty());
  }

  public int verbosity() {
    Integer v = effective().verbosity;
    return v == null ? 0 : v;
  }

  static Duration parseDuration(String s) {
    String v = s.strip();
    if (v.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      end = m.end();
    }
    if (end != v.length() || v.isEmpty()) {
      throw new IllegalArgumentException("--request-timeout: not a duration (like 30s, 1m, 1h): " + s);
    }
    return d;
  }
}
