package dev.kapi.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.client.internal.HttpTransport;
import dev.kapi.client.internal.Json;
import dev.kapi.client.internal.WatchDecoder;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The operations on one resource type in one namespace (or all namespaces, or none for cluster-scoped
 * resources), on untyped objects. Immutable and thread-safe; {@link #inNamespace} and {@link #inAllNamespaces}
 * return a copy. Obtained from {@link KubeClient#resources(String)}.
 */
public final class Resources {

  private final HttpTransport transport;
  private final Json json;
  private final ResourceType type;
  private final String namespace; // null: all namespaces (or cluster-scoped)

  Resources(HttpTransport transport, ResourceType type, String namespace) {
    this.transport = transport;
    this.json = transport.json();
    this.type = type;
    this.namespace = type.namespaced() ? namespace : null;
  }

  public ResourceType type() {
    return type;
  }

  /** The namespace these operations use, empty for all namespaces or a cluster-scoped resource. */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  public Resources inNamespace(String ns) {
    return new Resources(transport, type, PathSegments.check("namespace", ns));
  }

  /** List and watch across namespaces (single-object operations then need the object's own namespace). */
  public Resources inAllNamespaces() {
    return new Resources(transport, type, null);
  }

  // ---- read

  public ObjectNode get(String name) {
    return object(transport.send(KubeRequest.get(objectPath(name)).build()).json());
  }

  /** One page of a list. */
  public ListPage listPage(ListOptions options) {
    KubeRequest.Builder b = KubeRequest.get(type.collectionPath(namespace));
    options.applySelectors(b);
    if (options.limit() > 0) {
      b.query("limit", Integer.toString(options.limit()));
    }
    b.queryIfPresent("continue", options.continueToken())
        .queryIfPresent("resourceVersion", options.resourceVersion())
        .queryIfPresent("resourceVersionMatch", options.resourceVersionMatch());
    JsonNode list = transport.send(b.build()).json();
    List<ObjectNode> items = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      ObjectNode o = (ObjectNode) item;
      // list items come without apiVersion and kind: put them back, as kubectl does
      if (!o.has("kind")) {
        ObjectNode filled = o.objectNode().put("apiVersion", type.apiVersion()).put("kind", type.kind());
        filled.setAll(o);
        o = filled;
      }
      items.add(o);
    }
    String next = list.path("metadata").path("continue").asText("");
    return new ListPage(items, list.path("metadata").path("resourceVersion").asText(""),
        next.isEmpty() ? Optional.empty() : Optional.of(next));
  }

  /**
   * All matching objects as a lazy stream: a page of {@code options.limit()} is fetched when the previous one has
   * been consumed. All pages are one consistent snapshot; if the server has compacted past it before the last
   * page (minutes), the stream throws {@link KubeApiException.Gone}.
   */
  public Stream<ObjectNode> list(ListOptions options) {
    Iterator<ObjectNode> pages = new Iterator<>() {
      private Iterator<ObjectNode> page = List.<ObjectNode>of().iterator();
      private Optional<String> next = Optional.empty();
      private boolean started;

      @Override
      public boolean hasNext() {
        while (!page.hasNext()) {
          if (started && next.isEmpty()) {
            return false;
          }
          ListPage p = listPage(started ? options.withContinue(next.get()) : options);
          started = true;
          next = p.continueToken();
          page = p.items().iterator();
        }
        return true;
      }

      @Override
      public ObjectNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  public Stream<ObjectNode> list() {
    return list(ListOptions.all());
  }

  // ---- write

  /** Creates the object (in its own {@code metadata.namespace}, else this handle's namespace). */
  public ObjectNode create(ObjectNode object, WriteOptions options) {
    KubeRequest.Builder b = KubeRequest.post(type.collectionPath(namespaceOf(object)));
    options.apply(b);
    return object(transport.send(b.body(json.bytes(object), "application/json").build()).json());
  }

  public ObjectNode create(ObjectNode object) {
    return create(object, WriteOptions.defaults());
  }

  /** Creates from a JSON or YAML document. */
  public ObjectNode create(String document) {
    return create(json.parseObject(document));
  }

  /**
   * Replaces the object (PUT). With {@code metadata.resourceVersion} set, the server refuses a stale copy with
   * {@link KubeApiException.Conflict}: read, change, replace, and on conflict read again.
   */
  public ObjectNode replace(ObjectNode object, WriteOptions options) {
    KubeRequest.Builder b = KubeRequest.put(type.objectPath(namespaceOf(object), nameOf(object)));
    options.apply(b);
    return object(transport.send(b.body(json.bytes(object), "application/json").build()).json());
  }

  public ObjectNode replace(ObjectNode object) {
    return replace(object, WriteOptions.defaults());
  }

  public ObjectNode patch(String name, PatchType patchType, String patch, WriteOptions options) {
    return patchPath(objectPath(name), patchType, patch, options);
  }

  public ObjectNode patch(String name, PatchType patchType, JsonNode patch) {
    return patch(name, patchType, patch.toString(), WriteOptions.defaults());
  }

  /**
   * Server-side apply: the object is this manager's full intent; fields another manager owns make a
   * {@link KubeApiException.Conflict} (listing them) unless {@code options.force()}. A field manager is required.
   */
  public ObjectNode apply(ObjectNode object, WriteOptions options) {
    if (options.fieldManager().isEmpty()) {
      throw new IllegalArgumentException("server-side apply needs a field manager: WriteOptions.fieldManager(\"my-app\")");
    }
    return patchPath(type.objectPath(namespaceOf(object), nameOf(object)), PatchType.APPLY, object.toString(),
        options);
  }

  private ObjectNode patchPath(String path, PatchType patchType, String patch, WriteOptions options) {
    KubeRequest.Builder b = KubeRequest.patch(path);
    options.apply(b);
    try {
      return object(transport.send(b.body(patch, patchType.mediaType()).build()).json());
    } catch (KubeApiException.UnsupportedMediaType e) {
      if (patchType == PatchType.STRATEGIC) {
        throw new KubeApiException.UnsupportedMediaType(e.status(), e.retryAfter(), "strategic merge patch is not supported"
            + " for " + type.qualifiedName() + " (custom resources and aggregated APIs accept only JSON, merge and apply"
            + " patches): use PatchType.MERGE instead. Server said: " + e.status().message());
      }
      throw e;
    }
  }

  /** Deletes; returns the object (when it lingers, e.g. finalizers) or the server's {@code Status}. */
  public JsonNode delete(String name, DeleteOptions options) {
    return transport.send(KubeRequest.delete(objectPath(name))
        .body(json.bytes(options.body()), "application/json").build()).json();
  }

  public JsonNode delete(String name) {
    return delete(name, DeleteOptions.defaults());
  }

  /** Deletes every object matching the selectors ({@code deletecollection}); returns the deleted list. */
  public JsonNode deleteCollection(ListOptions selection, DeleteOptions options) {
    KubeRequest.Builder b = KubeRequest.delete(type.collectionPath(namespace));
    selection.applySelectors(b);
    return transport.send(b.body(json.bytes(options.body()), "application/json").build()).json();
  }

  // ---- subresources

  public ObjectNode getStatus(String name) {
    return get(name, "status");
  }

  /** Replaces {@code .status} (PUT on {@code /status}); other changes in {@code object} are ignored by the server. */
  public ObjectNode replaceStatus(ObjectNode object) {
    return object(transport.send(KubeRequest.put(type.objectPath(namespaceOf(object), nameOf(object)) + "/status")
        .body(json.bytes(object), "application/json").build()).json());
  }

  public ObjectNode patchStatus(String name, PatchType patchType, String patch) {
    return patchPath(objectPath(name) + "/status", patchType, patch, WriteOptions.defaults());
  }

  /** The {@code autoscaling/v1 Scale} of a scalable resource (Deployments, StatefulSets, custom resources...). */
  public ObjectNode getScale(String name) {
    return get(name, "scale");
  }

  /** Sets {@code spec.replicas} through the {@code scale} subresource. */
  public ObjectNode scale(String name, int replicas) {
    return patchPath(objectPath(name) + "/scale", PatchType.MERGE, "{\"spec\":{\"replicas\":" + replicas + "}}",
        WriteOptions.defaults());
  }

  /**
   * A Pod's log as a stream; with {@link LogOptions#withFollow()} it stays open and delivers lines as the
   * container writes them (no timeout applies to the body). Close it to stop.
   */
  public InputStream log(String podName, LogOptions options) {
    if (!type.resource().equals("pods") || !type.group().isEmpty()) {
      throw new IllegalArgumentException("log is a subresource of pods, not " + type.qualifiedName());
    }
    KubeRequest.Builder b = KubeRequest.get(objectPath(podName) + "/log").accept("*/*");
    options.apply(b);
    return transport.send(b.build()).body();
  }

  /** Any other subresource, raw (e.g. {@code ephemeralcontainers}, {@code eviction} with POST). */
  public KubeResponse subresource(String method, String name, String subresource, JsonNode body) {
    KubeRequest.Builder b = KubeRequest.method(method, objectPath(name) + "/" + PathSegments.check("subresource", subresource));
    if (body != null) {
      b.body(json.bytes(body), "application/json");
    }
    return transport.send(b.build());
  }

  private ObjectNode get(String name, String subresource) {
    return object(transport.send(KubeRequest.get(objectPath(name) + "/" + subresource).build()).json());
  }

  // ---- watch

  /**
   * Watches from {@code options.resourceVersion()} (unset: synthetic {@code ADDED} events for what exists, then
   * changes), with bookmarks, resuming across connections. See {@link Watch}.
   */
  public Watch watch(ListOptions options) {
    return watch(options, false);
  }

  /** As {@link #watch(ListOptions)}; with {@code bookmarks} the iteration also returns BOOKMARK events. */
  public Watch watch(ListOptions options, boolean bookmarks) {
    String path = type.collectionPath(namespace);
    Watch.Opener opener = rv -> {
      KubeRequest.Builder b = KubeRequest.get(path).query("watch", "true").query("allowWatchBookmarks", "true");
      options.applySelectors(b);
      if (!rv.isEmpty()) {
        b.query("resourceVersion", rv);
      }
      b.queryIfPresent("timeoutSeconds", options.timeoutSeconds());
      return transport.send(b.build());
    };
    return new Watch(opener, options.resourceVersion().orElse(""), json, bookmarks, WatchDecoder.DEFAULT_MAX_EVENT_BYTES);
  }

  /**
   * A local cache of the matching objects kept current by list-then-watch, with callbacks; call
   * {@link Informer#start()}. {@code resync} (or {@link Duration#ZERO} for none) re-delivers every cached object
   * as an update periodically, for handlers that reconcile.
   */
  public Informer informer(ListOptions options, Informer.Handler handler, Duration resync) {
    return new Informer(this, options, handler, resync);
  }

  // ---- helpers

  private String objectPath(String name) {
    if (type.namespaced() && namespace == null) {
      throw new IllegalStateException(type.qualifiedName() + " is namespaced: choose a namespace with inNamespace(ns)");
    }
    return type.objectPath(namespace, name);
  }

  private String namespaceOf(ObjectNode object) {
    String ns = object.path("metadata").path("namespace").asText("");
    if (!type.namespaced()) {
      return null;
    }
    if (ns.isEmpty()) {
      if (namespace == null) {
        throw new IllegalStateException(type.qualifiedName() + " is namespaced: set metadata.namespace or use inNamespace(ns)");
      }
      return namespace;
    }
    return ns;
  }

  private static String nameOf(ObjectNode object) {
    String name = object.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the object has no metadata.name");
    }
    return name;
  }

  private static ObjectNode object(JsonNode n) {
    if (n instanceof ObjectNode o) {
      return o;
    }
    throw new KubeException("expected an object from the server, got " + n.getNodeType());
  }

  @Override
  public String toString() {
    return type + (namespace == null ? "" : " in " + namespace);
  }
}
