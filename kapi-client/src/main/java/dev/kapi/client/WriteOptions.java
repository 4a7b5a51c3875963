package dev.kapi.client;

import java.util.Optional;

/**
 * How a write is made: {@code dryRun=All} (validated and admitted, not stored), the {@code fieldManager} that
 * owns the fields (required by server-side apply), and {@code force} (apply: take over fields other managers own).
 */
public record WriteOptions(boolean dryRun, Optional<String> fieldManager, boolean force) {

  public static WriteOptions defaults() {
    return new WriteOptions(false, Optional.empty(), false);
  }

  public static WriteOptions fieldManager(String manager) {
    return defaults().withFieldManager(manager);
  }

  public WriteOptions withFieldManager(String manager) {
    return new WriteOptions(dryRun, Optional.of(manager), force);
  }

  public WriteOptions withDryRun() {
    return new WriteOptions(true, fieldManager, force);
  }

  public WriteOptions withForce() {
    return new WriteOptions(dryRun, fieldManager, true);
  }

  void apply(KubeRequest.Builder b) {
    if (dryRun) {
      b.query("dryRun", "All");
    }
    fieldManager.ifPresent(m -> b.query("fieldManager", m));
    if (force) {
      b.query("force", "true");
    }
  }
}
