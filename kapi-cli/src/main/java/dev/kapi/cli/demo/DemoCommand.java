package dev.kapi.cli.demo;

import dev.kapi.cli.ExitCodeException;
import dev.kapi.cli.HelpOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kapi demo}: the seed's scenario on this machine, for real. A local kube-apiserver and etcd, a Pod's
 * ServiceAccount and Role, its service-account volume, the ambassador started with the Pod's environment and no
 * flags, then the seed's requests in the seed's order, a forbidden one, a token rotation, and the same read
 * without the proxy. The steps are in {@link DemoScenario}; this class holds only what picocli reflects on.
 */
@Command(name = "demo", addMethodSubcommands = false, description = "Run the seed's scenario (a Pod reaching the API through the ambassador) on a local real API server.")
public final class DemoCommand implements Callable<Integer> {

  static final String NAMESPACE = "demo";
  static final String SERVICE_ACCOUNT = "pod-with-kubeapi";
  static final String ROLE = "jobs-reader";

  @Mixin
  HelpOption helpOption;

  @Option(names = "--keep", description = "Leave the API server and the ambassador running; stop with Ctrl-C.")
  boolean keep;

  @Option(names = {"-p", "--port"}, defaultValue = "8001", description = "Ambassador port (default ${DEFAULT-VALUE}; a free one if taken).")
  int port;

  @Option(names = "--no-color", description = "Plain output.")
  boolean noColor;

  @Override
  public Integer call() throws Exception {
    requireDemoLibraries();
    return new DemoScenario(port, keep).run(new DemoConsole(System.out, !noColor && System.console() != null));
  }

  /** The demo's control plane ships in {@code lib/demo}, which {@code ./kapi demo} puts on the class path. */
  private static void requireDemoLibraries() {
    for (String name : new String[] {"dev.kapi.testing.ApiServer", "org.bouncycastle.cert.X509v3CertificateBuilder"}) {
      try {
        Class.forName(name, false, DemoCommand.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExitCodeException(1, "kapi demo: " + name + " is not on the class path; run it as ./kapi demo, "
            + "which adds kapi-cli/target/lib/demo");
      }
    }
  }
}
