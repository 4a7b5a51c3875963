package dev.kapi.proxy.observe;

import java.util.List;

/**
 * What happens on the proxy's side facing the API server: connections, requests sent, responses and failures.
 * Feeds the upstream metrics and the readiness check; like {@link ExchangeObserver}, it only watches.
 */
public interface UpstreamObserver {

  /** A connection to the API server is up (TCP, TLS and, for HTTP/2, the preface done). */
  default void connectionOpened() {
  }

  /** A connection that {@link #connectionOpened() opened} is closed, for whatever reason. */
  default void connectionClosed() {
  }

  /** A request (head) was written to the API server: one per forwarded exchange, plus retries and probes. */
  default void requestSent() {
  }

  /** The API server answered with a response head: it is reachable, whatever the status. */
  default void responseReceived(int status) {
  }

  /** Talking to the API server failed before a response arrived, or a response broke off. */
  default void failed(UpstreamFailure cause, String detail) {
  }

  static UpstreamObserver none() {
    return composite(List.of());
  }

  static UpstreamObserver composite(List<? extends UpstreamObserver> observers) {
    List<UpstreamObserver> all = List.copyOf(observers);
    return new UpstreamObserver() {
      @Override
      public void connectionOpened() {
        all.forEach(UpstreamObserver::connectionOpened);
      }

      @Override
      public void connectionClosed() {
        all.forEach(UpstreamObserver::connectionClosed);
      }

      @Override
      public void requestSent() {
        all.forEach(UpstreamObserver::requestSent);
      }

      @Override
      public void responseReceived(int status) {
        all.forEach(o -> o.responseReceived(status));
      }

      @Override
      public void failed(UpstreamFailure cause, String detail) {
        all.forEach(o -> o.failed(cause, detail));
      }
    };
  }
}
