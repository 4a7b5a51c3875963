package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.ProxyConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kapi proxy}'s flags, defined in code ({@link Flags}): kubectl proxy's defaults when a flag is not given,
 * values that do not leak from one parse into the next, and nothing from picocli on stderr while the model is built.
 */
class ProxyFlagsTest {

  @TempDir
  Path home;

  @Test
  void flagsNotGivenTakeKubectlProxysDefaults() {
    ProxyCommand proxy = parsed("--server=https://127.0.0.1:6443", "--token=t");
    ProxyConfig c = proxy.config();
    assertThat(proxy.port).isEqualTo(8001);
    assertThat(proxy.address).isEqualTo("127.0.0.1");
    assertThat(c.apiPrefix()).isEqualTo("/");
    assertThat(c.wwwPrefix()).isEqualTo("/static/");
    assertThat(c.readOnly()).isFalse();
    assertThat(c.allowImpersonation()).isFalse();
    assertThat(c.filter()).isNotEmpty();
    assertThat(proxy.rejectPaths).isEqualTo("^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach");
    assertThat(proxy.acceptHosts).isEqualTo("^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$");
  }

  @Test
  void requestTimeoutIsTheWaitForResponseHeadersOfEveryRequestTheProxySends() {
    ProxyConfig none = parsed("--server=https://127.0.0.1:6443", "--token=t").config();
    assertThat(none.responseHeaderTimeout()).isEqualTo(ProxyConfig.DEFAULT_RESPONSE_HEADER_TIMEOUT);
    assertThat(none.cluster().requestTimeout()).isEqualTo(ProxyConfig.DEFAULT_RESPONSE_HEADER_TIMEOUT);
    ProxyConfig five = parsed("--server=https://127.0.0.1:6443", "--token=t", "--request-timeout=5s").config();
    assertThat(five.responseHeaderTimeout()).hasSeconds(5);
    assertThat(five.cluster().requestTimeout()).hasSeconds(5); // the discovery cache's fetches
    ProxyConfig forever = parsed("--server=https://127.0.0.1:6443", "--token=t", "--request-timeout=0").config();
    assertThat(forever.responseHeaderTimeout()).isZero();
    assertThat(forever.cluster().requestTimeout()).isZero();
    // before the subcommand, as kubectl's global flags may be
    CommandLine kapi = KapiCommand.commandLine(CommandLine.defaultFactory());
    kapi.parseArgs("--request-timeout=1m", "proxy", "--server=https://127.0.0.1:6443", "--token=t");
    ProxyCommand proxy = kapi.getSubcommands().get("proxy").getCommand();
    assertThat(proxy.config().responseHeaderTimeout()).hasMinutes(1);
  }

  @Test
  void aValueGivenInOneParseIsGoneInTheNext() {
    CommandLine cl = ProxyCommand.commandLine(new ConnectionOptions(Map.of(), home));
    cl.parseArgs("--port=0", "--read-only", "--disable-filter", "--max-upgrades=3", "-n", "x", "--server=https://a:1");
    cl.parseArgs("--server=https://b:2");
    ProxyCommand proxy = cl.getCommand();
    assertThat(proxy.port).isEqualTo(8001);
    assertThat(proxy.readOnly).isFalse();
    assertThat(proxy.disableFilter).isFalse();
    assertThat(proxy.config().limits().maxUpgrades()).isEqualTo(128);
    assertThat(proxy.config().cluster().server()).hasToString("https://b:2");
  }

  @Test
  void buildingAndParsingPrintNothing() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      parsed("--port=0", "--insecure-skip-tls-verify", "--server=https://127.0.0.1:6443");
      KapiCommand.commandLine(CommandLine.defaultFactory()).parseArgs("-v", "proxy", "--port=0");
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private ProxyCommand parsed(String... args) {
    CommandLine cl = ProxyCommand.commandLine(new ConnectionOptions(Map.of(), home));
    cl.parseArgs(args);
    return cl.getCommand();
  }
}
