package dev.kapi.proxy.policy;

import java.util.Set;

/**
 * The semantic guard a path regex cannot express ({@code --deny-exec}, on by default with a policy): code
 * execution and tunnels into workloads — exec, attach and port-forward on pods, ephemeral containers, and the
 * {@code proxy} subresources of pods, services and nodes ({@code nodes/x/proxy} is the kubelet's whole API,
 * its own exec and run endpoints included), plus the deprecated {@code /api/v1/proxy/...} form.
 */
public final class ExecGuard {

  private static final Set<String> POD_SUBRESOURCES = Set.of("exec", "attach", "portforward", "ephemeralcontainers", "proxy");

  private ExecGuard() {
  }

  public static PolicyDecision check(RequestInfo r) {
    if (!r.resourceRequest()) {
      return PolicyDecision.ALLOW;
    }
    if (r.verb().equals("proxy")) { // the deprecated /api/v1/proxy/... form, under any prefix
      return deny(r, "the API server's proxy to " + r.resource());
    }
    if (!r.apiGroup().isEmpty()) {
      return PolicyDecision.ALLOW;
    }
    if (r.resource().equals("pods") && POD_SUBRESOURCES.contains(r.subresource())) {
      return deny(r, "pods/" + r.subresource());
    }
    if ((r.resource().equals("services") || r.resource().equals("nodes")) && r.subresource().equals("proxy")) {
      return deny(r, r.resource() + "/proxy");
    }
    return PolicyDecision.ALLOW;
  }

  private static PolicyDecision deny(RequestInfo r, String what) {
    return new PolicyDecision.Deny("deny-exec", "kapi proxy refuses " + what + " (--deny-exec): " + r.describe());
  }
}
