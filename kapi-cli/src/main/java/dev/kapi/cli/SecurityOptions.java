package dev.kapi.cli;

import static dev.kapi.cli.Flags.option;

import dev.kapi.proxy.GoDurations;
import dev.kapi.proxy.Limits;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.policy.Policy;
import dev.kapi.proxy.policy.PolicyException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The flags that narrow and bound {@code kapi proxy} (docs/security.md): a local policy, the exec guard, and the
 * hard limits. Flags of {@link ProxyCommand}, defined in code; bad values are one-line errors with exit code 2.
 */
final class SecurityOptions {

  Path policy;
  Boolean denyExec;
  int maxHeaderBytes;
  int maxRequestTargetBytes;
  long maxRequestBodyBytes;
  String headerReadTimeout;
  int maxConnections;
  int maxUpgrades;
  int maxStalledResponses;

  /**
   * Adds the flags to the proxy's command, defined in code ({@link Flags}); not as a mixin, because each picocli
   * command model compiles four regular expressions when it is made, in the interpreter at start-up.
   */
  void addTo(CommandSpec spec) {
    spec.addOption(option(this, "policy", "--policy").paramLabel("FILE")
        .description("Role-shaped rules (YAML or JSON: a ClusterRole, a Role for its own namespace, or just the rules, "
            + "plus optional namespaces) that "
            + "every request must satisfy before it goes upstream; anything else gets 403 naming the missing "
            + "permission. Turns --deny-exec on unless --deny-exec=false.").build());
    spec.addOption(option(this, "denyExec", "--deny-exec").arity("0..1")
        .fallbackValue("true")
        .description("Refuse exec, attach and port-forward on pods, ephemeral containers, and the proxy subresources "
            + "of pods, services and nodes, whatever the method. (default: true with --policy, else false)").build());
    spec.addOption(option(this, "maxHeaderBytes", "--max-header-bytes")
        .defaultValue("65536")
        .description("Largest request header block; larger gets 431. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "maxRequestTargetBytes", "--max-request-target-bytes").defaultValue("32768")
        .description("Longest request target (path and query); longer gets 414. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "maxRequestBodyBytes", "--max-request-body-bytes").defaultValue("3145728")
        .description("Largest request body (upgrades excepted), the API server's own limit; larger gets 413. "
            + "(default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "headerReadTimeout", "--header-read-timeout")
        .defaultValue("30s")
        .description("Longest wait for a request's headers (slowloris): 408, then close; an idle keep-alive "
            + "connection is closed after the same time. (default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "maxConnections", "--max-connections")
        .defaultValue("4096")
        .description("Most client connections open at once (each watch holds one); more get 503. "
            + "(default: ${DEFAULT-VALUE})").build());
    spec.addOption(option(this, "maxUpgrades", "--max-upgrades")
        .defaultValue("128")
        .description("Most exec, attach and port-forward sessions at once; more get 429. (default: ${DEFAULT-VALUE})")
        .build());
    spec.addOption(option(this, "maxStalledResponses", "--max-stalled-responses")
        .defaultValue("0")
        .description("Most responses at once whose client has stopped reading while the proxy holds a full buffer "
            + "for it (~2 MiB each); beyond that the longest-stalled client is cut off. 0: half the direct memory's "
            + "worth, 128 with the launcher's heap. (default: ${DEFAULT-VALUE})").build());
  }

  void apply(ProxyConfig.Builder b) {
    if (policy != null) {
      try {
        b.policy(Policy.load(policy));
      } catch (PolicyException e) {
        throw new ExitCodeException(2, e.getMessage());
      }
    }
    if (denyExec != null) {
      b.denyExec(denyExec); // else the builder's default: on exactly when there is a policy
    }
    Duration timeout = GoDurations.parse(headerReadTimeout).orElseThrow(() -> new ExitCodeException(2,
        "--header-read-timeout: invalid duration \"" + headerReadTimeout + "\" (use Go syntax, e.g. 30s, 1m)"));
    try {
      b.limits(new Limits(maxHeaderBytes, maxRequestTargetBytes, maxRequestBodyBytes, timeout, maxConnections,
          maxUpgrades, maxStalledResponses));
    } catch (IllegalArgumentException e) {
      throw new ExitCodeException(2, e.getMessage());
    }
  }
}
