package dev.kapi.proxy;

import java.nio.file.Path;
import java.util.Objects;

/** Where the proxy accepts clients: a TCP address and port, or a unix domain socket. */
public sealed interface Listen {

  /** {@code --address} and {@code --port}; port 0 picks a free port. */
  record Tcp(String address, int port) implements Listen {
    public Tcp {
      Objects.requireNonNull(address, "address");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
      }
    }
  }

  /** {@code --unix-socket}: created owner-only (0600); a stale file at the path is replaced. */
  record Unix(Path path) implements Listen {
    public Unix {
      Objects.requireNonNull(path, "path");
    }
  }

  static Listen tcp(String address, int port) {
    return new Tcp(address, port);
  }

  static Listen unix(Path path) {
    return new Unix(path);
  }
}
