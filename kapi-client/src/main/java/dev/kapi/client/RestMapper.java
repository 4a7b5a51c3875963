package dev.kapi.client;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Resolves what a person types to a resource, as kubectl does: plural ({@code cronjobs}), singular
 * ({@code cronjob}), short name ({@code cj}), kind ({@code CronJob}), optionally qualified by group
 * ({@code jobs.batch}), the start of a group ({@code leases.coordination}) or version and group
 * ({@code jobs.v1.batch}). Matches are tried in that order over the
 * discovery list, so an exact plural always beats a short name a custom resource happens to claim, and the
 * core group and preferred versions come first.
 */
public final class RestMapper {

  private final Discovery discovery;

  RestMapper(Discovery discovery) {
    this.discovery = discovery;
  }

  /** The resource for {@code name}; after a miss, discovery is refreshed once before giving up. */
  public ResourceType resolve(String name) {
    Optional<ResourceType> r = match(discovery.resources(), name);
    if (r.isPresent()) {
      return r.get();
    }
    discovery.refresh();
    return match(discovery.resources(), name).orElseThrow(() -> new UnknownResourceException(name));
  }

  /** The resource serving objects of this {@code apiVersion} and {@code kind}. */
  public ResourceType forKind(String apiVersion, String kind) {
    Optional<ResourceType> r = matchKind(discovery.resources(), apiVersion, kind);
    if (r.isPresent()) {
      return r.get();
    }
    discovery.refresh();
    return matchKind(discovery.resources(), apiVersion, kind)
        .orElseThrow(() -> new UnknownResourceException(kind + " in " + apiVersion));
  }

  /** The pure matching rule, over a discovery list in priority order. */
  public static Optional<ResourceType> match(List<ResourceType> resources, String input) {
    String s = input.strip();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<ResourceType> r = matchName(resources, s, null, null);
    int dot = s.indexOf('.');
    if (r.isEmpty() && dot > 0) {
      String name = s.substring(0, dot);
      String rest = s.substring(dot + 1);
      r = matchName(resources, name, rest, null); // jobs.batch, deployments.apps, widgets.example.com
      int dot2 = rest.indexOf('.');
      if (r.isEmpty() && dot2 > 0) {
        r = matchName(resources, name, rest.substring(dot2 + 1), rest.substring(0, dot2)); // jobs.v1.batch
      }
      if (r.isEmpty() && dot2 < 0) {
        r = matchName(resources, name, "", rest); // pods.v1 (core group)
      }
      if (r.isEmpty()) {
        r = matchIn(resources, name, t -> t.group().startsWith(rest), null); // leases.coordination, as kubectl 1.32
      }
    }
    return r;
  }

  private static Optional<ResourceType> matchName(List<ResourceType> all, String name, String group, String version) {
    return matchIn(all, name, group == null ? t -> true : t -> t.group().equals(group), version);
  }

  private static Optional<ResourceType> matchIn(List<ResourceType> all, String name, Predicate<ResourceType> inGroup,
      String version) {
    String lower = name.toLowerCase(Locale.ROOT);
    Predicate<ResourceType> scope = t -> inGroup.test(t) && (version == null || t.version().equals(version));
    List<Predicate<ResourceType>> rules = List.of(
        t -> t.resource().equals(lower),
        t -> t.singular().equals(lower),
        t -> t.shortNames().contains(lower),
        t -> t.kind().equalsIgnoreCase(name));
    for (Predicate<ResourceType> rule : rules) {
      Optional<ResourceType> r = all.stream().filter(scope).filter(rule).findFirst();
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  static Optional<ResourceType> matchKind(List<ResourceType> all, String apiVersion, String kind) {
    return all.stream().filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind)).findFirst();
  }
}
