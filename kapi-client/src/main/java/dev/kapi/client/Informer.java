package dev.kapi.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local, eventually consistent copy of a set of objects, as client-go's shared informer keeps one: list (in
 * pages), then watch from the list's resourceVersion; each event updates the map and calls the handler. When the
 * server says the watch's history is gone (410) it lists again and reconciles the map with what is there now
 * (adds, updates, and deletes for objects that vanished meanwhile). Transient failures back off and retry until
 * {@link #close()}. Handler calls come one at a time, from the informer's thread (and the resync timer, under the
 * same lock), never concurrently.
 */
public final class Informer implements AutoCloseable {

  /** Callbacks; each has a no-op default. */
  public interface Handler {
    default void onAdd(ObjectNode object) {
    }

    /** Also called by a resync with the same object twice. */
    default void onUpdate(ObjectNode old, ObjectNode current) {
    }

    /** The last state known: after a re-list this may be older than the object's real final state. */
    default void onDelete(ObjectNode last) {
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final Resources resources;
  private final ListOptions options;
  private final Handler handler;
  private final Duration resync;
  private final Map<String, ObjectNode> cache = new HashMap<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile boolean stopped;
  private volatile Watch watch;
  private volatile String resourceVersion = "";
  private volatile int lists;
  private volatile Consumer<KubeException> errors = e -> { };
  private Thread loop;
  private Thread resyncer;

  Informer(Resources resources, ListOptions options, Handler handler, Duration resync) {
    this.resources = resources;
    this.options = options;
    this.handler = handler;
    this.resync = resync;
  }

  /** Receives each failure the informer recovers from (by listing or watching again after a pause). */
  public Informer onError(Consumer<KubeException> errorHandler) {
    this.errors = errorHandler;
    return this;
  }

  public synchronized Informer start() {
    if (loop != null) {
      throw new IllegalStateException("already started");
    }
    loop = daemon(this::run, "kapi-informer-" + resources.type().qualifiedName());
    if (!resync.isZero()) {
      resyncer = daemon(this::resyncLoop, "kapi-informer-resync-" + resources.type().qualifiedName());
    }
    return this;
  }

  /** True once the first list has been loaded into the cache. */
  public boolean hasSynced() {
    return synced.getCount() == 0;
  }

  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A copy of the cached objects. */
  public List<ObjectNode> list() {
    synchronized (lock) {
      return new ArrayList<>(cache.values());
    }
  }

  public Optional<ObjectNode> get(String namespace, String name) {
    synchronized (lock) {
      return Optional.ofNullable(cache.get(key(namespace, name)));
    }
  }

  public int size() {
    synchronized (lock) {
      return cache.size();
    }
  }

  /** The resourceVersion the cache reflects (last list or event). */
  public String resourceVersion() {
    return resourceVersion;
  }

  /** How many full lists have been made (1 after start; more after 410s and failures). */
  public int lists() {
    return lists;
  }

  @Override
  public void close() {
    stopped = true;
    Watch w = watch;
    if (w != null) {
      w.close();
    }
    for (Thread t : new Thread[] {loop, resyncer}) {
      if (t != null) {
        t.interrupt();
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void run() {
    Duration backoff = Duration.ofMillis(200);
    while (!stopped) {
      try {
        relist();
        backoff = Duration.ofMillis(200);
        try (Watch w = resources.watch(options.withResourceVersion(resourceVersion))) {
          watch = w;
          if (stopped) {
            return;
          }
          while (w.hasNext()) {
            apply(w.next());
          }
        }
      } catch (KubeApiException.Gone gone) {
        // history compacted past our resourceVersion: list again at once (client-go's reflector does the same)
        errors.accept(gone);
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        errors.accept(e instanceof KubeException k ? k : new KubeException("informer handler failed: " + e, e));
        if (!sleep(backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private void relist() {
    String rv = null;
    Map<String, ObjectNode> fresh = new LinkedHashMap<>();
    Optional<String> next = Optional.empty();
    do {
      ListOptions page = next.isPresent() ? options.withContinue(next.get()) : options;
      // from etcd, the newest state: no resourceVersion, and so no resourceVersionMatch either (the server refuses one alone)
      ListPage p = resources.listPage(page.withResourceVersion(null).withResourceVersionMatch(null));
      if (rv == null) {
        rv = p.resourceVersion(); // pages share the first page's snapshot
      }
      p.items().forEach(o -> fresh.put(key(o), o));
      next = p.continueToken();
    } while (next.isPresent() && !stopped);
    lists++;
    synchronized (lock) {
      Set<String> gone = new HashSet<>(cache.keySet());
      gone.removeAll(fresh.keySet());
      for (String k : gone) {
        handler.onDelete(cache.remove(k));
      }
      for (Map.Entry<String, ObjectNode> e : fresh.entrySet()) {
        ObjectNode old = cache.put(e.getKey(), e.getValue());
        if (old == null) {
          handler.onAdd(e.getValue());
        } else if (!rv(old).equals(rv(e.getValue()))) {
          handler.onUpdate(old, e.getValue());
        }
      }
      resourceVersion = rv;
    }
    synced.countDown();
  }

  private void apply(WatchEvent e) {
    synchronized (lock) {
      String k = key(e.object());
      switch (e.type()) {
        case ADDED, MODIFIED -> {
          ObjectNode old = cache.put(k, e.object());
          if (old == null) {
            handler.onAdd(e.object());
          } else {
            handler.onUpdate(old, e.object());
          }
        }
        case DELETED -> {
          ObjectNode old = cache.remove(k);
          handler.onDelete(old != null ? old : e.object());
        }
        default -> {
        }
      }
      resourceVersion = e.resourceVersion();
    }
  }

  private void resyncLoop() {
    while (!stopped && sleep(resync)) {
      synchronized (lock) {
        cache.values().forEach(o -> handler.onUpdate(o, o));
      }
    }
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // backoff or resync period; close() interrupts it
      return !stopped;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static String key(ObjectNode o) {
    return key(o.path("metadata").path("namespace").asText(""), o.path("metadata").path("name").asText(""));
  }

  private static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static String rv(ObjectNode o) {
    return o.path("metadata").path("resourceVersion").asText("");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
