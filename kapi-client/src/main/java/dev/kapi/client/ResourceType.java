package dev.kapi.client;

import java.util.List;
import java.util.Locale;

/**
 * One resource the server serves, as discovery describes it: {@code batch/v1 cronjobs} (kind {@code CronJob},
 * singular {@code cronjob}, short name {@code cj}, namespaced).
 *
 * @param group        API group, "" for the core group
 * @param version      version within the group
 * @param resource     plural resource name, as in URLs
 * @param kind         the kind of its objects
 * @param singular     singular name (kubectl's fallback: the kind in lower case)
 * @param namespaced   true when objects live in namespaces
 * @param shortNames   e.g. {@code cj}, {@code cm}
 * @param verbs        what may be done to it ({@code get}, {@code list}, {@code watch}, ...)
 * @param categories   e.g. {@code all}
 * @param subresources e.g. {@code status}, {@code scale}, {@code log}
 * @param preferred    true when this is the group's preferred version
 */
public record ResourceType(String group, String version, String resource, String kind, String singular, boolean namespaced,
    List<String> shortNames, List<String> verbs, List<String> categories, List<String> subresources, boolean preferred) {

  public ResourceType {
    group = group == null ? "" : group;
    singular = singular == null || singular.isEmpty() ? kind.toLowerCase(Locale.ROOT) : singular;
    shortNames = List.copyOf(shortNames);
    verbs = List.copyOf(verbs);
    categories = List.copyOf(categories);
    subresources = List.copyOf(subresources);
  }

  /** {@code apiVersion} of its objects: {@code batch/v1}, or {@code v1} for the core group. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code cronjobs.batch}, or {@code configmaps} for the core group: kubectl's unambiguous name. */
  public String qualifiedName() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  public boolean supports(String verb) {
    return verbs.contains(verb);
  }

  /** The collection path: {@code /apis/batch/v1/namespaces/NS/cronjobs}, or without namespace when null. */
  public String collectionPath(String namespace) {
    StringBuilder b = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
    if (namespaced && namespace != null) {
      b.append("/namespaces/").append(PathSegments.check("namespace", namespace));
    }
    return b.append('/').append(resource).toString();
  }

  /** The object path ({@code .../cronjobs/NAME}). */
  public String objectPath(String namespace, String name) {
    return collectionPath(namespace) + "/" + PathSegments.check("name", name);
  }

  @Override
  public String toString() {
    return apiVersion() + " " + resource;
  }
}
