package dev.kapi.proxy;

import java.util.Locale;

/**
 * Which requests may travel as streams of a shared HTTP/2 connection to the API server ({@code --upstream-http2}),
 * when the server picks HTTP/2 by ALPN. Upgrades (exec, attach, port-forward) always get an HTTP/1.1 connection of
 * their own.
 */
public enum UpstreamHttp2 {
  /** Every request on keep-alive HTTP/1.1 connections: one connection per request in flight. */
  OFF,
  /**
   * Long-running requests (watches, followed logs, proxied services) multiplexed; short ones on HTTP/1.1. Each watch
   * would otherwise hold a TLS connection, and a socket on both sides, for its whole life.
   */
  LONG_RUNNING,
  /** Everything but upgrades multiplexed, as client-go does. */
  ALL;

  /** The flag's spelling: {@code off}, {@code long-running}, {@code all}. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static UpstreamHttp2 parse(String s) {
    for (UpstreamHttp2 v : values()) {
      if (v.flagValue().equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("expected one of off, long-running, all; got \"" + s + "\"");
  }
}
