package dev.kapi.proxy.policy;

/** A policy file that cannot be used; the message names the file and the rule. The CLI prints it on one line. */
public final class PolicyException extends IllegalArgumentException {

  public PolicyException(String message) {
    super(message);
  }
}
