package dev.kapi.proxy.internal;

/** A request target that cannot be reduced to one canonical path; answered with a 400 Status. */
final class BadRequestTarget extends Exception {

  BadRequestTarget(String message) {
    super(message, null, false, false);
  }
}
