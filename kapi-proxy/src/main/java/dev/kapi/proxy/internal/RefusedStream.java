package dev.kapi.proxy.internal;

/**
 * The API server refused an HTTP/2 stream without processing it: the stream was above the last stream id of its
 * GOAWAY, or it was reset with REFUSED_STREAM (RFC 9113 §8.7). Unlike a connection lost after a request went out,
 * the request did not take effect, so it may be sent again whatever its method.
 */
final class RefusedStream extends Exception {

  private static final long serialVersionUID = 1L;

  RefusedStream(String how) {
    super(how, null, false, false);
  }
}
