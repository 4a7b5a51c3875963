package dev.kapi.proxy.observe;

/**
 * How an exchange uses its connections, decided from the request before it goes upstream.
 *
 * <ul>
 *   <li>{@link #UNARY}: one request, one bounded response (get, list, create …).
 *   <li>{@link #STREAM}: a response that may last for hours (watch, {@code log?follow=true}); never aggregated,
 *       never cut by a timeout, ended cleanly on shutdown.
 *   <li>{@link #UPGRADE}: exec, attach, port-forward: after {@code 101 Switching Protocols} a raw tunnel.
 * </ul>
 */
public enum ExchangeKind {
  UNARY, STREAM, UPGRADE;

  /** Lower-case name for labels and log fields. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
