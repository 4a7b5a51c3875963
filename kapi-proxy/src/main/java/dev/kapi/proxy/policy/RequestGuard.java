package dev.kapi.proxy.policy;

import java.util.Map;
import java.util.Optional;

/**
 * What {@code --policy} and {@code --deny-exec} decide for one request, before anything goes upstream: the exec
 * guard first (its message is the more specific one), then the policy's rules, then the policy's say on any
 * {@code Impersonate-*} headers. Without a policy and without {@code --deny-exec} everything is allowed here
 * (kubectl's filter and RBAC still apply).
 */
public final class RequestGuard {

  private final Optional<Policy> policy;
  private final boolean denyExec;

  /**
   * @param policy   {@code --policy FILE}, if given
   * @param denyExec {@code --deny-exec}; callers turn it on by default when a policy is given
   */
  public RequestGuard(Optional<Policy> policy, boolean denyExec) {
    this.policy = policy;
    this.denyExec = denyExec;
  }

  public static RequestGuard none() {
    return new RequestGuard(Optional.empty(), false);
  }

  /** Whether this guard can deny anything; the proxy skips the request-info derivation when it cannot. */
  public boolean active() {
    return policy.isPresent() || denyExec;
  }

  /** Whether the policy, having vetted them, lets {@code Impersonate-*} headers through to the API server. */
  public boolean policyDecidesImpersonation() {
    return policy.isPresent();
  }

  /**
   * @param request the request as the API server will derive it (from the forwarded path and query)
   * @param headers the client's request headers
   */
  public PolicyDecision decide(RequestInfo request, Iterable<? extends Map.Entry<String, String>> headers) {
    if (denyExec) {
      PolicyDecision d = ExecGuard.check(request);
      if (!d.allowed()) {
        return d;
      }
    }
    if (policy.isEmpty()) {
      return PolicyDecision.ALLOW;
    }
    PolicyDecision d = policy.get().decide(request);
    if (!d.allowed()) {
      return d;
    }
    return policy.get().decideImpersonation(headers);
  }
}
