package dev.kapi.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeException;
import dev.kapi.client.KubeRequest;
import dev.kapi.client.KubeResponse;
import dev.kapi.client.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fetches what the server serves. Aggregated discovery first: {@code /api} and {@code /apis} each answer with
 * every group, version and resource in one document ({@code apidiscovery.k8s.io/v2}, stable since 1.30), and
 * carry an ETag, so a refresh that changed nothing costs two 304s. An older server (or a proxy that drops the
 * Accept parameters) answers with the plain {@code APIVersions}/{@code APIGroupList}; then each group version
 * is fetched on its own, as kubectl did before 1.30.
 */
public final class DiscoveryDocuments {

  public static final String AGGREGATED_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  /**
   * What discovery found, with the ETags to revalidate it.
   *
   * @param resources     top-level resources in priority order: groups as the server orders them, each group's
   *                      versions preferred first
   * @param groupVersions every served group version ({@code v1}, {@code apps/v1}, ...)
   * @param aggregated    true when the server spoke aggregated discovery
   */
  public record Snapshot(List<ResourceType> resources, List<String> groupVersions, boolean aggregated,
      Optional<String> apiEtag, Optional<String> apisEtag) {
  }

  private final HttpTransport transport;

  public DiscoveryDocuments(HttpTransport transport) {
    this.transport = transport;
  }

  /** Fetches, revalidating {@code previous} by ETag when there is one; returns {@code previous} when unchanged. */
  public Snapshot fetch(Optional<Snapshot> previous) {
    Optional<Snapshot> prev = previous.filter(Snapshot::aggregated);
    KubeResponse api = get("/api", prev.flatMap(Snapshot::apiEtag));
    KubeResponse apis = get("/apis", prev.flatMap(Snapshot::apisEtag));
    if (api.code() == 304 && apis.code() == 304) {
      api.close();
      apis.close();
      return prev.get();
    }
    if (api.code() == 304 || apis.code() == 304) {
      api.close();
      apis.close();
      return fetch(Optional.empty()); // one changed and one did not: start clean
    }
    JsonNode apiDoc = api.json();
    JsonNode apisDoc = apis.json();
    boolean aggregated = "APIGroupDiscoveryList".equals(apiDoc.path("kind").asText())
        && "APIGroupDiscoveryList".equals(apisDoc.path("kind").asText());
    if (aggregated) {
      List<ResourceType> resources = new ArrayList<>();
      List<String> gvs = new ArrayList<>();
      parseAggregated(apiDoc, resources, gvs);
      parseAggregated(apisDoc, resources, gvs);
      return new Snapshot(List.copyOf(resources), List.copyOf(gvs), true, api.header("ETag"), apis.header("ETag"));
    }
    return legacy(apiDoc, apisDoc);
  }

  private KubeResponse get(String path, Optional<String> etag) {
    KubeRequest.Builder b = KubeRequest.get(path).accept(AGGREGATED_ACCEPT);
    etag.ifPresent(e -> b.header("If-None-Match", e));
    KubeResponse r = transport.exchange(b.build());
    if (r.code() != 304 && !r.successful()) {
      throw transport.error(r, null);
    }
    return r;
  }

  /** Parses an {@code APIGroupDiscoveryList} (v2 or v2beta1: same shape). */
  static void parseAggregated(JsonNode doc, List<ResourceType> out, List<String> groupVersions) {
    for (JsonNode g : doc.path("items")) {
      String group = g.path("metadata").path("name").asText("");
      boolean first = true;
      for (JsonNode v : g.path("versions")) {
        String version = v.path("version").asText();
        groupVersions.add(group.isEmpty() ? version : group + "/" + version);
        for (JsonNode r : v.path("resources")) {
          List<String> subs = new ArrayList<>();
          r.path("subresources").forEach(s -> subs.add(s.path("subresource").asText()));
          out.add(new ResourceType(group, version, r.path("resource").asText(), r.path("responseKind").path("kind").asText(),
              r.path("singularResource").asText(""), "Namespaced".equals(r.path("scope").asText()), strings(r.path("shortNames")),
              strings(r.path("verbs")), strings(r.path("categories")), subs, first));
        }
        first = false;
      }
    }
  }

  private Snapshot legacy(JsonNode apiVersions, JsonNode apiGroupList) {
    List<String[]> gvs = new ArrayList<>(); // {group, version, preferred}
    for (JsonNode v : apiVersions.path("versions")) {
      gvs.add(new String[] {"", v.asText(), gvs.isEmpty() ? "true" : "false"});
    }
    for (JsonNode g : apiGroupList.path("groups")) {
      String group = g.path("name").asText();
      String preferred = g.path("preferredVersion").path("version").asText();
      List<String> versions = new ArrayList<>();
      g.path("versions").forEach(v -> versions.add(v.path("version").asText()));
      versions.sort((a, b) -> Boolean.compare(b.equals(preferred), a.equals(preferred)));
      versions.forEach(v -> gvs.add(new String[] {group, v, String.valueOf(v.equals(preferred))}));
    }
    Map<String, CompletableFuture<JsonNode>> docs = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, Math.max(1, gvs.size())), r -> {
      Thread t = new Thread(r, "kapi-discovery");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String[] gv : gvs) {
        String path = gv[0].isEmpty() ? "/api/" + gv[1] : "/apis/" + gv[0] + "/" + gv[1];
        docs.put(path, CompletableFuture.supplyAsync(() -> groupVersion(path), pool));
      }
      List<ResourceType> resources = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (String[] gv : gvs) {
        String path = gv[0].isEmpty() ? "/api/" + gv[1] : "/apis/" + gv[0] + "/" + gv[1];
        names.add(gv[0].isEmpty() ? gv[1] : gv[0] + "/" + gv[1]);
        JsonNode doc = docs.get(path).join();
        if (doc != null) {
          parseResourceList(gv[0], gv[1], Boolean.parseBoolean(gv[2]), doc, resources);
        }
      }
      return new Snapshot(List.copyOf(resources), List.copyOf(names), false, Optional.empty(), Optional.empty());
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof KubeException k ? k : e;
    } finally {
      pool.shutdownNow();
    }
  }

  private JsonNode groupVersion(String path) {
    try {
      return transport.send(KubeRequest.get(path).build()).json();
    } catch (KubeApiException e) {
      if (e.code() == 503 || e.code() == 404) {
        return null; // an aggregated API server that is down, or a version gone since the list: skip it, as kubectl does
      }
      throw e;
    }
  }

  /** Parses an {@code APIResourceList} (one group version), folding {@code x/status} into x's subresources. */
  static void parseResourceList(String group, String version, boolean preferred, JsonNode doc, List<ResourceType> out) {
    Map<String, List<String>> subs = new LinkedHashMap<>();
    for (JsonNode r : doc.path("resources")) {
      String name = r.path("name").asText();
      int slash = name.indexOf('/');
      if (slash > 0) {
        subs.computeIfAbsent(name.substring(0, slash), k -> new ArrayList<>()).add(name.substring(slash + 1));
      }
    }
    for (JsonNode r : doc.path("resources")) {
      String name = r.path("name").asText();
      if (name.contains("/")) {
        continue;
      }
      out.add(new ResourceType(group, version, name, r.path("kind").asText(), r.path("singularName").asText(""),
          r.path("namespaced").asBoolean(), strings(r.path("shortNames")), strings(r.path("verbs")),
          strings(r.path("categories")), subs.getOrDefault(name, List.of()), preferred));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asText()));
    return l;
  }
}
