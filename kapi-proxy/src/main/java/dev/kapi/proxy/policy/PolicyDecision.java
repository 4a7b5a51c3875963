package dev.kapi.proxy.policy;

/** The outcome for one request: allowed, or denied with a message naming the missing permission. */
public sealed interface PolicyDecision {

  record Allow() implements PolicyDecision {
  }

  /** @param rule which guard or policy denied it, for the Status message and the rejection metric */
  record Deny(String rule, String message) implements PolicyDecision {
  }

  PolicyDecision ALLOW = new Allow();

  default boolean allowed() {
    return this instanceof Allow;
  }
}
