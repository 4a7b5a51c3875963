package dev.kapi.config;

import java.time.Clock;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What exec credential plugins inherit from the loading process: its environment (also searched for PATH), whether
 * standard input is a terminal (for {@code interactiveMode}), and the clock that decides expiry.
 */
record ExecEnvironment(Map<String, String> env, BooleanSupplier stdinIsTerminal, Clock clock) {

  ExecEnvironment {
    env = Map.copyOf(env);
  }

  static ExecEnvironment of(Map<String, String> env) {
    // System.console() is non-null only when stdin and stdout are both terminals: the conservative answer
    return new ExecEnvironment(env, () -> System.console() != null, Clock.systemUTC());
  }
}
