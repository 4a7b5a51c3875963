package dev.kapi.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * How a delete is made: propagation to dependents ({@code Foreground}, {@code Background}, {@code Orphan}), grace
 * period, precondition on resourceVersion, dry run. Sent as a {@code DeleteOptions} body.
 */
public record DeleteOptions(Optional<String> propagationPolicy, Optional<Long> gracePeriodSeconds,
    Optional<String> preconditionResourceVersion, boolean dryRun) {

  public static DeleteOptions defaults() {
    return new DeleteOptions(Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  public static DeleteOptions propagation(String policy) {
    return defaults().withPropagationPolicy(policy);
  }

  public DeleteOptions withPropagationPolicy(String policy) {
    if (!policy.equals("Foreground") && !policy.equals("Background") && !policy.equals("Orphan")) {
      throw new IllegalArgumentException("propagationPolicy must be Foreground, Background or Orphan: " + policy);
    }
    return new DeleteOptions(Optional.of(policy), gracePeriodSeconds, preconditionResourceVersion, dryRun);
  }

  public DeleteOptions withGracePeriodSeconds(long seconds) {
    return new DeleteOptions(propagationPolicy, Optional.of(seconds), preconditionResourceVersion, dryRun);
  }

  /** Delete only if the object is still at this resourceVersion (else 409 Conflict). */
  public DeleteOptions withPreconditionResourceVersion(String rv) {
    return new DeleteOptions(propagationPolicy, gracePeriodSeconds, Optional.of(rv), dryRun);
  }

  public DeleteOptions withDryRun() {
    return new DeleteOptions(propagationPolicy, gracePeriodSeconds, preconditionResourceVersion, true);
  }

  ObjectNode body() {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("kind", "DeleteOptions").put("apiVersion", "v1");
    propagationPolicy.ifPresent(p -> o.put("propagationPolicy", p));
    gracePeriodSeconds.ifPresent(g -> o.put("gracePeriodSeconds", g));
    preconditionResourceVersion.ifPresent(rv -> o.putObject("preconditions").put("resourceVersion", rv));
    if (dryRun) {
      o.putArray("dryRun").add("All");
    }
    return o;
  }
}
