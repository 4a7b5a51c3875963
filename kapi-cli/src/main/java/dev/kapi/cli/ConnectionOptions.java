package dev.kapi.cli;

import dev.kapi.client.KubeClient;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * kubectl's global connection flags, as a picocli mixin for the client commands. Resolution is kapi-config's:
 * flags over a kubeconfig (flag or KUBECONFIG) over the in-cluster service account over ~/.kube/config. The
 * environment and home directory are injectable so tests can run a command as a Pod would, in-process.
 */
public final class ConnectionOptions {

  private final Map<String, String> env;
  private final Path home;

  @Option(names = "--kubeconfig", description = "Path to the kubeconfig file to use.")
  Path kubeconfig;

  @Option(names = "--context", description = "The name of the kubeconfig context to use.")
  String context;

  @Option(names = "--cluster", description = "The name of the kubeconfig cluster to use.")
  String cluster;

  @Option(names = "--user", description = "The name of the kubeconfig user to use.")
  String user;

  @Option(names = {"-n", "--namespace"}, description = "The namespace scope for this request.")
  String namespace;

  @Option(names = {"-s", "--server"}, description = "The address and port of the Kubernetes API server.")
  String server;

  @Option(names = "--token", description = "Bearer token for authentication to the API server.")
  String token;

  @Option(names = "--token-file", description = "File holding the bearer token; re-read when it changes.")
  Path tokenFile;

  @Option(names = "--certificate-authority", description = "Path to a cert file for the certificate authority.")
  Path certificateAuthority;

  @Option(names = "--client-certificate", description = "Path to a client certificate file for TLS.")
  Path clientCertificate;

  @Option(names = "--client-key", description = "Path to a client key file for TLS.")
  Path clientKey;

  @Option(names = "--insecure-skip-tls-verify", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "If true, the server's certificate will not be checked for validity.")
  boolean insecureSkipTlsVerify;

  @Option(names = "--tls-server-name", description = "Server name to use for server certificate validation.")
  String tlsServerName;

  @Option(names = "--request-timeout", description = "Time to wait for response headers (e.g. 5s, 1m); 0 waits forever.")
  String requestTimeout;

  @Option(names = {"-v", "--v"}, arity = "0..1", fallbackValue = "6", defaultValue = "0", paramLabel = "LEVEL",
      preprocessor = VerbosityLevel.class,
      description = "Log each request to stderr (credentials redacted); 8 or more adds headers, and errors show stack traces.")
  int verbosity;

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
    this(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** A given environment and home directory (tests; a Pod's environment). */
  public ConnectionOptions(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  public ConfigFlags flags() {
    return ConfigFlags.builder().kubeconfig(kubeconfig).context(context).cluster(cluster).user(user).namespace(namespace)
        .server(server).token(token).tokenFile(tokenFile).certificateAuthority(certificateAuthority)
        .clientCertificate(clientCertificate).clientKey(clientKey).insecureSkipTlsVerify(insecureSkipTlsVerify)
        .tlsServerName(tlsServerName).build();
  }

  public ClusterConfig config() {
    ClusterConfig c = new ConfigLoader(env, home).load(flags());
    if (requestTimeout != null) {
      c = c.toBuilder().requestTimeout(parseDuration(requestTimeout)).build();
    }
    return c;
  }

  /** A client for the resolved configuration; with {@code -v} it logs requests to {@code err}. */
  public KubeClient client(PrintWriter err) {
    if (verbosity > 0) {
      System.setProperty("kapi.verbose", "true"); // OneLineErrors' switch for stack traces
    }
    ClusterConfig c = config();
    KubeClient.Builder b = KubeClient.builder(c);
    if (verbosity > 0) {
      err.println("kapi: " + c);
      err.flush();
      b.requestLog(line -> {
        err.println(line);
        err.flush();
      }, verbosity >= 8);
    }
    return b.build();
  }

  public int verbosity() {
    return verbosity;
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
