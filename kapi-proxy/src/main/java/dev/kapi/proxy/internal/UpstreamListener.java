package dev.kapi.proxy.internal;

/** What an exchange hears from the API server connection it currently holds. All calls on that connection's loop. */
interface UpstreamListener {

  /** An HTTP object (or, after a 101, raw bytes); ownership passes to the listener. */
  void upstreamRead(Object msg);

  void upstreamReadComplete();

  void upstreamWritabilityChanged();

  /** The connection closed; {@code cause} is why, when known (else null). */
  void upstreamClosed(Throwable cause);
}
