package dev.kapi.proxy.internal;

import dev.kapi.config.Credentials;
import dev.kapi.config.ForwardingCredentials;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.Optional;

/**
 * The proxy's credential as one event loop hands it out: the configured {@link Credentials} are asked once per pass
 * of the loop (one wait for ready sockets and the work it returns), not once per request.
 *
 * <p>Why: for a token file every ask is a {@code stat} through the kubelet's symlinks, which was ~6 % of the event
 * loop's CPU under load when made per request (docs/benchmarks.md, "One token check per pass"). Once per pass keeps
 * the rotation guarantee: a pass handles requests that were waiting on their sockets when it began, and its first
 * request checks the file after that, so a request sent after the kubelet's {@code ..data} swap still goes out with
 * the new token. (A socket already ready may also yield bytes that arrived during the pass; such a request carries
 * the token of a moment before, which the API server still accepts, and a 401 re-reads it in any case.)
 *
 * <p>Touched only from its own loop, so it needs no synchronisation.
 */
final class LoopPassCredentials extends ForwardingCredentials {

  private final SingleThreadIoEventLoop loop;
  private final Runnable passEnded = this::forget;
  private Optional<String> current; // null: not asked yet in this pass

  LoopPassCredentials(Credentials delegate, SingleThreadIoEventLoop loop) {
    super(delegate);
    this.loop = loop;
  }

  /**
   * @throws dev.kapi.config.CredentialsUnavailableException as the delegate does; a failure is not kept, so the next
   *     request asks again
   */
  @Override
  public Optional<String> authorizationWithoutWaiting() {
    Optional<String> c = current;
    if (c == null) {
      c = super.authorizationWithoutWaiting();
      current = c;
      loop.executeAfterEventLoopIteration(passEnded);
    }
    return c;
  }

  /** Refreshes the delegate and forgets this pass's value, so the rest of the pass sends the refreshed one. */
  @Override
  public boolean refreshAfterUnauthorizedWithoutWaiting(String rejected) {
    forget();
    return super.refreshAfterUnauthorizedWithoutWaiting(rejected);
  }

  private void forget() {
    current = null;
  }
}
