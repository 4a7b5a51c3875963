package dev.kapi.cli;

import dev.kapi.proxy.GoDurations;
import dev.kapi.proxy.Limits;
import dev.kapi.proxy.ProxyConfig;
import dev.kapi.proxy.policy.Policy;
import dev.kapi.proxy.policy.PolicyException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The flags that narrow and bound {@code kapi proxy} (docs/security.md): a local policy, the exec guard, and the
 * hard limits. A mixin of {@link ProxyCommand}; bad values are one-line errors with exit code 2.
 */
final class SecurityOptions {

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Role-shaped rules (YAML or JSON: a Role, or just its rules, plus optional namespaces) that every "
          + "request must satisfy before it goes upstream; anything else gets 403 naming the missing permission. "
          + "Turns --deny-exec on unless --deny-exec=false.")
  Path policy;

  @Option(names = "--deny-exec", arity = "0..1", fallbackValue = "true",
      description = "Refuse exec, attach and port-forward on pods, ephemeral containers, and the proxy subresources "
          + "of pods, services and nodes, whatever the method. (default: true with --policy, else false)")
  Boolean denyExec;

  @Option(names = "--max-header-bytes", defaultValue = "65536",
      description = "Largest request header block; larger gets 431. (default: ${DEFAULT-VALUE})")
  int maxHeaderBytes;

  @Option(names = "--max-request-target-bytes", defaultValue = "32768",
      description = "Longest request target (path and query); longer gets 414. (default: ${DEFAULT-VALUE})")
  int maxRequestTargetBytes;

  @Option(names = "--max-request-body-bytes", defaultValue = "3145728",
      description = "Largest request body (upgrades excepted), the API server's own limit; larger gets 413. "
          + "(default: ${DEFAULT-VALUE})")
  long maxRequestBodyBytes;

  @Option(names = "--header-read-timeout", defaultValue = "30s",
      description = "Longest wait for a request's headers (slowloris): 408, then close; an idle keep-alive "
          + "connection is closed after the same time. (default: ${DEFAULT-VALUE})")
  String headerReadTimeout;

  @Option(names = "--max-connections", defaultValue = "4096",
      description = "Most client connections open at once (each watch holds one); more get 503. "
          + "(default: ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(names = "--max-upgrades", defaultValue = "128",
      description = "Most exec, attach and port-forward sessions at once; more get 429. (default: ${DEFAULT-VALUE})")
  int maxUpgrades;

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
          maxUpgrades));
    } catch (IllegalArgumentException e) {
      throw new ExitCodeException(2, e.getMessage());
    }
  }
}
