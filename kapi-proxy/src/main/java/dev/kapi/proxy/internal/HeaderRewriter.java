package dev.kapi.proxy.internal;

import dev.kapi.config.Credentials;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The header changes between client and API server, in one place.
 *
 * <p>Requests: hop-by-hop headers removed (RFC 9110 §7.6.1) except on upgrades, where {@code Connection},
 * {@code Upgrade} and the {@code Sec-WebSocket-*} handshake must reach the API server; {@code Host} set to the API
 * server's authority; the client's own {@code Authorization} wins (as with kubectl, whose bearer round-tripper
 * skips a request that already carries one), else the proxy's credential is added; the identity headers a
 * neighbour container could use to borrow the service account's impersonation rights ({@code Impersonate-*},
 * {@code X-Remote-*}, WebSocket {@code base64url.bearer.authorization.k8s.io.*} subprotocols) are removed unless
 * impersonation is allowed; client-supplied forwarding headers are always removed (they feed the audit log's
 * {@code sourceIPs}). Responses: hop-by-hop headers removed, everything else ({@code Audit-Id}, {@code Warning},
 * {@code Retry-After}, {@code ETag}, {@code Vary}, priority-and-fairness UIDs…) untouched.
 */
final class HeaderRewriter {

  static final String BEARER_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";
  private static final String BEARER_PROTOCOL_PREFIX_LOWER = BEARER_PROTOCOL_PREFIX.toLowerCase(java.util.Locale.ROOT);
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
  private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  // set with Go's canonical spelling: header names are case-insensitive, but logs and dumps read better
  private static final AsciiString HOST = AsciiString.cached("Host");
  private static final AsciiString AUTHORIZATION = AsciiString.cached("Authorization");
  private static final AsciiString USER_AGENT = AsciiString.cached("User-Agent");
  private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("Transfer-Encoding");

  private final String hostHeader;
  private final boolean allowImpersonation;
  private final boolean keepImpersonateHeaders;
  private final String userAgent;

  HeaderRewriter(String hostHeader, boolean allowImpersonation, String userAgent) {
    this(hostHeader, allowImpersonation, false, userAgent);
  }

  /**
   * @param keepImpersonateHeaders pass {@code Impersonate-*} even without {@code allowImpersonation}: a
   *                               {@code --policy} has already refused every request whose impersonation it does
   *                               not allow ({@code X-Remote-*} and WebSocket bearer subprotocols still go)
   */
  HeaderRewriter(String hostHeader, boolean allowImpersonation, boolean keepImpersonateHeaders, String userAgent) {
    this.hostHeader = hostHeader;
    this.allowImpersonation = allowImpersonation;
    this.keepImpersonateHeaders = keepImpersonateHeaders;
    this.userAgent = userAgent;
  }

  /**
   * Rewrites {@code h} in place for the API server, adding {@code credentials}' header unless the client sent one.
   *
   * @return the {@code Authorization} value the proxy added, or null when the client sent its own (or there is no
   *     credential): a 401 is only worth a credential refresh for a header we added
   * @throws dev.kapi.config.CredentialsUnavailableException when the credential cannot be produced now
   */
  String rewriteRequest(HttpHeaders h, boolean upgrade, Credentials credentials) {
    if (!upgrade) {
      boolean chunked = h.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
      removeHopByHop(h);
      if (chunked) {
        h.set(TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // framing for our hop
      }
    } else {
      h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
      h.remove(PROXY_CONNECTION);
    }
    h.remove(HttpHeaderNames.EXPECT); // answered by the proxy itself, see FrontendHandler
    h.set(HOST, hostHeader);
    removeIdentityAndForwarding(h);
    if (upgrade && !allowImpersonation) {
      removeBearerSubprotocols(h);
    }
    if (!h.contains(HttpHeaderNames.USER_AGENT)) {
      h.set(USER_AGENT, userAgent);
    }
    String own = h.get(HttpHeaderNames.AUTHORIZATION);
    if (own != null && !own.isEmpty()) {
      return null; // client-go's test: the first value, empty meaning none; then set replaces every value
    }
    Optional<String> auth = credentials.authorizationWithoutWaiting(); // on an event loop: never wait for a plugin
    if (auth.isEmpty()) {
      return null;
    }
    h.set(AUTHORIZATION, auth.get());
    return auth.get();
  }

  /** Replaces the Authorization the proxy added (for the retry after a 401). */
  static void replaceAuthorization(HttpHeaders h, String value) {
    h.set(AUTHORIZATION, value);
  }

  /** Removes the response's hop-by-hop headers; {@code Transfer-Encoding} stays: it tells our encoder to chunk. */
  static void rewriteResponse(HttpHeaders h) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      removeConnectionTokens(h);
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
  }

  private static void removeHopByHop(HttpHeaders h) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      removeConnectionTokens(h);
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
  }

  /** Headers named in {@code Connection} are hop-by-hop too (except the ones that define the message's framing). */
  private static void removeConnectionTokens(HttpHeaders h) {
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String t = token.strip();
        if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")
            && !t.equalsIgnoreCase("content-length") && !t.equalsIgnoreCase("host")) {
          h.remove(t);
        }
      }
    }
  }

  private void removeIdentityAndForwarding(HttpHeaders h) {
    List<CharSequence> remove = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    while (it.hasNext()) {
      CharSequence name = it.next().getKey();
      if (isForwarding(name) || !allowImpersonation && isIdentity(name)
          && !(keepImpersonateHeaders && startsWithIgnoreCase(name, "impersonate-"))) {
        if (remove == null) {
          remove = new ArrayList<>(2);
        }
        remove.add(name);
      }
    }
    if (remove != null) {
      for (CharSequence n : remove) {
        h.remove(n);
      }
    }
  }

  static boolean isIdentity(CharSequence name) {
    return startsWithIgnoreCase(name, "impersonate-") || startsWithIgnoreCase(name, "x-remote-");
  }

  static boolean isForwarding(CharSequence name) {
    return startsWithIgnoreCase(name, "x-forwarded-") || AsciiString.contentEqualsIgnoreCase(name, FORWARDED)
        || AsciiString.contentEqualsIgnoreCase(name, X_REAL_IP);
  }

  private static boolean startsWithIgnoreCase(CharSequence s, String prefix) {
    if (s.length() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase(s.charAt(i)) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A bearer token in the WebSocket subprotocol list is a second identity channel: keep only the other entries. */
  static void removeBearerSubprotocols(HttpHeaders h) {
    List<String> values = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (values.isEmpty()) {
      return;
    }
    List<String> kept = new ArrayList<>();
    boolean removed = false;
    for (String v : values) {
      for (String p : v.split(",")) {
        String t = p.strip();
        // anywhere in the entry, not only at its start: the API server trims Go's whitespace, which includes
        // Unicode spaces (a UTF-8 no-break space arrives here as two Latin-1 chars Java's strip() keeps)
        if (t.toLowerCase(java.util.Locale.ROOT).contains(BEARER_PROTOCOL_PREFIX_LOWER)) {
          removed = true;
        } else if (!t.isEmpty()) {
          kept.add(t);
        }
      }
    }
    if (!removed) {
      return;
    }
    h.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (!kept.isEmpty()) {
      h.set("Sec-WebSocket-Protocol", String.join(", ", kept));
    }
  }
}
