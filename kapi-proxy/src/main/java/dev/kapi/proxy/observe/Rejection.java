package dev.kapi.proxy.observe;

import java.util.Objects;

/**
 * Why the proxy answered a request itself instead of forwarding it.
 *
 * @param by   which stage decided: {@value #FILTER}, {@value #LOAD}, {@value #LIMIT}, {@value #PATH}, {@value #UPSTREAM},
 *             {@value #SHUTDOWN}
 * @param rule the rule or limit, e.g. {@code reject-paths}, {@code max-inflight}, {@code qps}
 */
public record Rejection(String by, String rule) {

  public static final String FILTER = "filter";
  public static final String LOAD = "load";
  /** A hard limit on the request itself ({@code max-header-bytes}, …); counted in the limit metric, not as load. */
  public static final String LIMIT = "limit";
  public static final String PATH = "path";
  public static final String UPSTREAM = "upstream";
  public static final String SHUTDOWN = "shutdown";

  public Rejection {
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(rule, "rule");
  }

  public static Rejection filter(String rule) {
    return new Rejection(FILTER, rule);
  }

  public static Rejection load(String limit) {
    return new Rejection(LOAD, limit);
  }
}
