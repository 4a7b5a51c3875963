package dev.kapi.proxy.observe;

/** How an exchange ended, as the client saw it. */
public enum Outcome {
  /** The whole response reached the client (for a stream: it ended cleanly). */
  COMPLETED,
  /** The proxy answered itself with an error (filter, load protection, bad path, unreachable API server). */
  REJECTED,
  /** A connection closed before the response was complete (client went away, upstream failed mid-stream). */
  ABORTED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
