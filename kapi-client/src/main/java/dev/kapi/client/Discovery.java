package dev.kapi.client;

import dev.kapi.client.internal.DiscoveryDocuments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the server serves, fetched on first use and cached for a TTL; after that, revalidated with the ETags of
 * aggregated discovery (a 304 keeps the cache), and refreshed early when a lookup misses (a CRD just created).
 * Thread-safe.
 */
public final class Discovery {

  private final DiscoveryDocuments documents;
  private final Duration ttl;
  private final LongSupplier nanoTime;
  private final RestMapper mapper;
  private volatile DiscoveryDocuments.Snapshot snapshot;
  private volatile long fetchedAt;
  private volatile int fetches;

  Discovery(DiscoveryDocuments documents, Duration ttl, LongSupplier nanoTime) {
    this.documents = documents;
    this.ttl = ttl;
    this.nanoTime = nanoTime;
    this.mapper = new RestMapper(this);
  }

  /** Every resource of every served version, in priority order (server's group order, preferred version first). */
  public List<ResourceType> resources() {
    return current().resources();
  }

  /**
   * One entry per group and resource: the group's preferred version when it serves the resource, else the first
   * version that does ({@code ServerPreferredResources} in client-go; what {@code kubectl api-resources} lists).
   */
  public List<ResourceType> preferredResources() {
    Set<String> seen = new HashSet<>();
    List<ResourceType> out = new ArrayList<>();
    for (ResourceType r : resources()) {
      if (seen.add(r.group() + "/" + r.resource())) {
        out.add(r);
      }
    }
    return out;
  }

  /** Every served group version, as {@code kubectl api-versions} lists them (unsorted). */
  public List<String> groupVersions() {
    return current().groupVersions();
  }

  /** True when the server answered with aggregated discovery (one document per root instead of one per version). */
  public boolean aggregated() {
    return current().aggregated();
  }

  public RestMapper mapper() {
    return mapper;
  }

  /** Revalidates now (ETag, so cheap when nothing changed). */
  public synchronized void refresh() {
    DiscoveryDocuments.Snapshot s = documents.fetch(Optional.ofNullable(snapshot));
    fetches++;
    snapshot = s;
    fetchedAt = nanoTime.getAsLong();
  }

  /** How many times the documents were fetched or revalidated: for tests and {@code -v}. */
  public int fetches() {
    return fetches;
  }

  DiscoveryDocuments.Snapshot current() {
    DiscoveryDocuments.Snapshot s = snapshot;
    if (s == null || nanoTime.getAsLong() - fetchedAt > ttl.toNanos()) {
      synchronized (this) {
        if (snapshot == s) {
          refresh();
        }
        return snapshot;
      }
    }
    return s;
  }
}
