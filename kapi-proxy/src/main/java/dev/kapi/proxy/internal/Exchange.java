package dev.kapi.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;

/**
 * One request and its response, driven by the {@link FrontendHandler} on the client side. Every call happens on
 * the client channel's event loop; ownership of messages passes to the exchange.
 */
interface Exchange {

  /** A piece of the request body; a {@code LastHttpContent} ends it. */
  void clientContent(HttpContent content);

  /** Raw bytes from the client: behind an upgrade request, and in the tunnel after a 101. */
  void clientBytes(ByteBuf bytes);

  /** The client's read batch ended: flush what was passed upstream. */
  void clientReadComplete();

  void clientWritabilityChanged();

  /** The client went away. */
  void clientClosed();

  /**
   * The request body could not be decoded, or grew past its limit: nothing more of it may go upstream, and the
   * client connection, whose framing is lost, ends once answered.
   */
  default void clientBodyRefused(BodyRefusal why) {
    clientClosed();
  }
}
