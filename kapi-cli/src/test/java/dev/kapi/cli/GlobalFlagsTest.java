package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.config.ConfigFlags;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * kubectl's global flags on either side of the subcommand, parsed as kubectl does (no server needed): the same
 * flags before or after mean the same, and the last occurrence of a flag wins (checked against kubectl 1.32 with
 * {@code -v=6}: {@code kubectl -n a get pods -n b} lists namespace b, {@code kubectl -n a -n c get pods} c).
 */
class GlobalFlagsTest {

  @TempDir
  Path home;

  /** The subcommand's connection flags as it will use them, after parsing {@code kapi ARGS}. */
  ConnectionOptions parsed(String... args) {
    CommandLine cl = KapiCommand.commandLine(factory());
    CommandLine.ParseResult r = cl.parseArgs(args);
    assertThat(r.hasSubcommand()).as("a subcommand in %s", List.of(args)).isTrue();
    return ((ConnectionOptions) r.subcommand().commandSpec().mixins().get("connection").userObject()).effective();
  }

  CommandLine.IFactory factory() {
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == ConnectionOptions.class ? cls.cast(new ConnectionOptions(Map.of(), home))
            : CommandLine.defaultFactory().create(cls);
      }
    };
  }

  static String[] args(String... a) {
    return a;
  }

  static String[] concat(List<String> before, String command, List<String> after) {
    List<String> all = new ArrayList<>(before);
    all.add(command);
    all.addAll(after);
    return all.toArray(String[]::new);
  }

  static final List<String> EVERY_FLAG = List.of("--kubeconfig=/k", "--context=ctx", "--cluster=cl", "--user=u",
      "-n", "ns", "--server=https://example:6443", "--token=t", "--certificate-authority=/ca",
      "--client-certificate=/crt", "--client-key=/key", "--insecure-skip-tls-verify", "--tls-server-name=sni",
      "--request-timeout=5s", "-v=7");

  @ParameterizedTest
  @ValueSource(strings = {"get", "api-resources", "api-versions", "whoami", "proxy"})
  void everyGlobalFlagMeansTheSameBeforeOrAfterEachServerCommand(String command) {
    ConnectionOptions before = parsed(concat(EVERY_FLAG, command, List.of()));
    ConnectionOptions after = parsed(concat(List.of(), command, EVERY_FLAG));

    for (ConnectionOptions c : List.of(before, after)) {
      ConfigFlags f = c.flags();
      assertThat(f).isEqualTo(ConfigFlags.builder().kubeconfig(Path.of("/k")).context("ctx").cluster("cl").user("u")
          .namespace("ns").server("https://example:6443").token("t").certificateAuthority(Path.of("/ca"))
          .clientCertificate(Path.of("/crt")).clientKey(Path.of("/key")).insecureSkipTlsVerify(true)
          .tlsServerName("sni").build());
      assertThat(c.namespace()).contains("ns");
      assertThat(c.verbosity()).isEqualTo(7);
      assertThat(c.requestTimeout).isEqualTo("5s");
    }
  }

  @Test
  void theLastOccurrenceOfAFlagWinsAsInKubectl() {
    assertThat(parsed("-n", "a", "get", "pods", "-n", "b").namespace()).contains("b");
    assertThat(parsed("-n", "a", "-n", "c", "get", "pods").namespace()).contains("c");
    assertThat(parsed("get", "pods", "-n", "b", "-n", "d").namespace()).contains("d");
    assertThat(parsed("--namespace=a", "get", "pods", "--namespace", "b").namespace()).contains("b");
    assertThat(parsed("--insecure-skip-tls-verify", "whoami", "--insecure-skip-tls-verify=false").flags()
        .insecureSkipTlsVerify()).isFalse();
  }

  @Test
  void aFlagGivenOnOneSideOnlyIsKeptWhenOthersAreGivenOnTheOther() {
    ConnectionOptions c = parsed("--kubeconfig", "/k", "-v", "get", "pods", "-n", "x", "--context=other");
    assertThat(c.flags().kubeconfig()).contains(Path.of("/k"));
    assertThat(c.verbosity()).isEqualTo(6); // -v alone is level 6, and does not swallow the subcommand
    assertThat(c.namespace()).contains("x");
    assertThat(c.flags().context()).contains("other");
    assertThat(parsed("-v", "8", "api-versions").verbosity()).isEqualTo(8);
    assertThat(parsed("api-versions").verbosity()).isZero();
    assertThat(parsed("api-versions").namespace()).isEmpty();
  }

  @Test
  void proxysFastPathTakesTheGlobalFlagsGivenBeforeItInTheirOrder() {
    assertThat(Main.proxyArgs(args("--kubeconfig", "/k", "-n", "a", "proxy", "--port=0", "-n", "b")))
        .hasValueSatisfying(a -> assertThat(a).containsExactly("--kubeconfig", "/k", "-n", "a", "--port=0", "-n", "b"));
    assertThat(Main.proxyArgs(args("proxy", "--port=0"))).hasValueSatisfying(a -> assertThat(a).containsExactly("--port=0"));
    assertThat(Main.proxyArgs(args("-v", "--insecure-skip-tls-verify", "--token=t", "proxy")))
        .hasValueSatisfying(a -> assertThat(a).containsExactly("-v", "--insecure-skip-tls-verify", "--token=t"));
    // not proxy, or something the full command line must answer (help, a typo): no fast path
    assertThat(Main.proxyArgs(args("-n", "proxy", "get", "pods"))).isEmpty(); // "proxy" is the namespace
    assertThat(Main.proxyArgs(args("--kubeconfig", "/k", "get", "pods"))).isEmpty();
    assertThat(Main.proxyArgs(args("--bogus", "proxy"))).isEmpty();
    assertThat(Main.proxyArgs(args("-h", "proxy"))).isEmpty();
    assertThat(Main.proxyArgs(args("--port=0", "proxy"))).isEmpty(); // proxy's own flags go after it, as in kubectl
    assertThat(Main.proxyArgs(args())).isEmpty();
  }

  @Test
  void proxyResolvesItsClusterFromFlagsBeforeAndAfterIt(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        current-context: one
        contexts:
        - name: one
          context: {cluster: one, user: u, namespace: from-kubeconfig}
        - name: two
          context: {cluster: two, user: u}
        clusters:
        - name: one
          cluster: {server: "https://one.example:6443", insecure-skip-tls-verify: true}
        - name: two
          cluster: {server: "https://two.example:6443", insecure-skip-tls-verify: true}
        users:
        - name: u
          user: {token: abc}
        """);
    // the fast path (Main's rearranged arguments, ProxyCommand on its own) and the full command line agree
    String[] given = args("--kubeconfig", kubeconfig.toString(), "--context=one", "proxy", "--context=two", "--port=0");
    CommandLine fastPath = ProxyCommand.commandLine(new ConnectionOptions(Map.of(), home));
    fastPath.parseArgs(Main.proxyArgs(given).orElseThrow());
    ProxyCommand fast = fastPath.getCommand();
    CommandLine full = KapiCommand.commandLine(factory());
    ProxyCommand slow = (ProxyCommand) full.parseArgs(given).subcommand().commandSpec().userObject();

    for (ProxyCommand p : List.of(fast, slow)) {
      assertThat(p.config().cluster().server()).hasToString("https://two.example:6443");
    }
  }

  @Test
  void usageErrorsAreOneLineAndExitTwoOnEitherSide() {
    CliRun before = CliRun.run(Map.of(), home, "--bogus", "get", "pods");
    assertThat(before.exit()).isEqualTo(2);
    assertThat(before.err()).isEqualTo("error: Unknown option: '--bogus' (see 'kapi --help')\n");
    CliRun after = CliRun.run(Map.of(), home, "get", "pods", "--bogus");
    assertThat(after.exit()).isEqualTo(2);
    assertThat(after.err()).isEqualTo("error: Unknown option: '--bogus' (see 'kapi get --help')\n");
    CliRun missing = CliRun.run(Map.of(), home, "whoami", "-n");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).startsWith("error: Missing required parameter for option '--namespace'").hasLineCount(1);
    assertThat(before.out() + after.out() + missing.out()).isEmpty();
  }

  @Test
  void kapiHelpListsEachGlobalFlagOnceUnderOneHeading() {
    StringWriter out = new StringWriter();
    CommandLine cl = KapiCommand.commandLine(factory());
    cl.usage(new PrintWriter(out));
    String help = out.toString();
    assertThat(help).startsWith("Usage: kapi [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]\n")
        .contains("Global flags, as kubectl's: before or after the command");
    for (String flag : List.of("--kubeconfig=", "--context=", "--namespace=", "--server=", "--token=",
        "--certificate-authority=", "--insecure-skip-tls-verify", "--v[=LEVEL]")) {
      assertThat(help.split(java.util.regex.Pattern.quote(flag), -1)).as(flag).hasSize(2);
    }
    assertThat(help.indexOf("Global flags")).isLessThan(help.indexOf("--kubeconfig=")).isLessThan(help.indexOf("Commands:"));
  }

  @Test
  void proxyHelpStillListsKubectlProxysFlagsAndTheConnectionFlags() {
    StringWriter out = new StringWriter();
    ProxyCommand.commandLine(new ConnectionOptions(Map.of(), home)).usage(new PrintWriter(out));
    // kubectl proxy --help (1.32) lists these; the connection flags are kubectl's global ones
    for (String flag : List.of("--accept-hosts", "--accept-paths", "--address", "--api-prefix", "--append-server-path",
        "--disable-filter", "--keepalive", "-p, --port", "--reject-methods", "--reject-paths", "-u, --unix-socket",
        "-w, --www", "-P, --www-prefix", "--kubeconfig", "--context", "-n, --namespace", "-s, --server", "--token",
        "--certificate-authority", "--insecure-skip-tls-verify")) {
      assertThat(out.toString()).as(flag).containsPattern("(?m)^ +" + java.util.regex.Pattern.quote(flag) + "\\b");
    }
  }

  @Test
  void completionScriptsOfferTheGlobalFlagsBeforeTheCommand() {
    for (String shell : List.of("bash", "zsh")) {
      String script = CliRun.run(Map.of(), home, "completion", shell).out();
      String top = script.substring(script.indexOf("function _picocli_kapi() {"));
      top = top.substring(0, top.indexOf("\n}\n"));
      assertThat(top).as(shell).contains("'--kubeconfig'", "'--context'", "'-n'", "'--namespace'", "'--server'",
          "'--token'", "'--certificate-authority'", "'--insecure-skip-tls-verify'", "'-v'");
    }
  }
}
