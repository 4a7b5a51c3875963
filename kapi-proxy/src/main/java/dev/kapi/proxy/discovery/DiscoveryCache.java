package dev.kapi.proxy.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code --cache-discovery}: answers the discovery documents ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/G}, {@code /apis/G/V}, and {@code /version}) from memory for a short time, so that many short-lived clients in a Pod
 * (a kubectl per script step, each with an empty cache) cost the API server one request per document per TTL
 * instead of one each.
 *
 * <ul>
 *   <li>Keyed by path, {@code Accept} (aggregated discovery v2 and the legacy form are different documents),
 *       {@code Accept-Encoding}, and a SHA-256 of the client's own {@code Authorization} if it sent one, so a
 *       client with its own identity never sees a document fetched with another's.
 *   <li>Fresh for {@code ttl} (10 s by default); after that the next request revalidates with
 *       {@code If-None-Match} when the document has an {@code ETag} (the API server gives one for aggregated
 *       discovery), and a {@code 304} keeps the stored body.
 *   <li>Concurrent requests for a document being fetched wait for that one fetch (single flight).
 *   <li>A client's own {@code If-None-Match} matching the stored {@code ETag} gets a {@code 304}.
 *   <li>Only {@code 200} answers are stored; anything else is passed to the clients that asked and forgotten.
 *       Bodies are kept as received (still gzip-encoded if they came so), never re-encoded.
 * </ul>
 * Off by default: protocol-notes asks a proxy not to cache, and discovery changes when CRDs are installed; a
 * 10 s staleness is the price, the same order as kubectl's own memory cache.
 */
public final class DiscoveryCache {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  static final int MAX_ENTRIES = 256;
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** Response headers worth keeping with a stored document; per-request ones (Audit-Id, Date, APF ids) are not. */
  static final Set<String> STORED_HEADERS =
      Set.of("content-type", "content-encoding", "etag", "vary", "cache-control", "last-modified", "warning");

  /** One client request for a discovery document. */
  public record Request(String path, String accept, String acceptEncoding, Optional<String> authorization,
      Optional<String> ifNoneMatch) {
  }

  /** A response for the client; {@code headers} hold only headers fit to pass on. */
  public record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }
  }

  /** Fetches a document from the API server; {@code headers} carry Accept, Accept-Encoding and maybe more. */
  @FunctionalInterface
  public interface Fetcher {
    CompletableFuture<Response> fetch(String path, Map<String, String> headers);
  }

  /** How a request was served, for {@code kapi_proxy_discovery_cache_requests_total{result}}. */
  public static final String HIT = "hit";
  public static final String COALESCED = "coalesced";
  public static final String REVALIDATED = "revalidated";
  public static final String MISS = "miss";

  private record Stored(Response response, String etag, long fetchedNanos) {
  }

  private static final class Slot {
    Stored stored;
    CompletableFuture<Response> inflight;
  }

  private final Fetcher fetcher;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Consumer<String> results;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  public DiscoveryCache(Fetcher fetcher, Duration ttl, LongSupplier nanoTime, Consumer<String> results) {
    this.fetcher = fetcher;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
    this.results = results;
  }

  /**
   * True for a request this cache answers: GET of a discovery document whose query has nothing but
   * {@code timeout} (kubectl adds {@code ?timeout=32s}).
   *
   * @param path canonical, decoded path
   */
  public static boolean handles(String method, String path, Map<String, List<String>> query) {
    if (!method.equals("GET") || !query.keySet().stream().allMatch("timeout"::equals)) {
      return false;
    }
    if (path.equals("/api") || path.equals("/apis") || path.equals("/version")) {
      return true; // /version too: client-go's discovery asks it, and kubectl wrappers ask it on every run
    }
    String[] parts = path.substring(1).split("/", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        return false;
      }
    }
    return parts[0].equals("api") && parts.length == 2 || parts[0].equals("apis") && (parts.length == 2 || parts.length == 3);
  }

  public CompletableFuture<Response> get(Request r) {
    String key = key(r);
    Slot slot = slots.get(key);
    if (slot == null) {
      if (slots.size() >= MAX_ENTRIES) {
        results.accept(MISS); // full: serve without storing
        return fetcher.fetch(r.path(), upstreamHeaders(r, null));
      }
      slot = slots.computeIfAbsent(key, k -> new Slot());
    }
    CompletableFuture<Response> flight;
    synchronized (slot) {
      Stored s = slot.stored;
      if (s != null && nanoTime.getAsLong() - s.fetchedNanos() < ttlNanos) {
        results.accept(HIT);
        return CompletableFuture.completedFuture(forClient(s.response(), r));
      }
      if (slot.inflight != null) {
        results.accept(COALESCED);
        return slot.inflight.thenApply(resp -> forClient(resp, r));
      }
      Slot mine = slot;
      flight = new CompletableFuture<>();
      slot.inflight = flight;
      fetcher.fetch(r.path(), upstreamHeaders(r, s == null ? null : s.etag()))
          .whenComplete((resp, err) -> settle(mine, s, resp, err, flight));
    }
    return flight.thenApply(resp -> forClient(resp, r));
  }

  private void settle(Slot slot, Stored before, Response fetched, Throwable err, CompletableFuture<Response> flight) {
    Response answer;
    synchronized (slot) {
      slot.inflight = null;
      if (err != null) {
        answer = null;
      } else if (fetched.status() == 304 && before != null) {
        results.accept(REVALIDATED);
        slot.stored = new Stored(before.response(), before.etag(), nanoTime.getAsLong());
        answer = before.response();
      } else {
        results.accept(MISS);
        if (fetched.status() == 200 && fetched.body().length <= MAX_BODY_BYTES) {
          Response kept = new Response(200, kept(fetched.headers()), fetched.body());
          slot.stored = new Stored(kept, kept.header("ETag").orElse(null), nanoTime.getAsLong());
          answer = kept;
        } else {
          answer = fetched;
        }
      }
    }
    if (err != null) {
      flight.completeExceptionally(err);
    } else {
      flight.complete(answer);
    }
  }

  private static Response forClient(Response r, Request req) {
    if (r.status() == 200 && req.ifNoneMatch().isPresent()) {
      Optional<String> etag = r.header("ETag");
      if (etag.isPresent() && matches(req.ifNoneMatch().get(), etag.get())) {
        List<Map.Entry<String, String>> h = r.headers().stream()
            .filter(e -> e.getKey().equalsIgnoreCase("etag") || e.getKey().equalsIgnoreCase("vary")
                || e.getKey().equalsIgnoreCase("cache-control"))
            .toList();
        return new Response(304, h, new byte[0]);
      }
    }
    return r;
  }

  /** RFC 9110 weak comparison over a list of entity tags (or {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    String want = opaque(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.equals("*") || opaque(c).equals(want)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private static Map<String, String> upstreamHeaders(Request r, String etag) {
    Map<String, String> h = new LinkedHashMap<>();
    if (!r.accept().isEmpty()) {
      h.put("Accept", r.accept());
    }
    if (!r.acceptEncoding().isEmpty()) {
      h.put("Accept-Encoding", r.acceptEncoding());
    }
    r.authorization().ifPresent(a -> h.put("Authorization", a));
    if (etag != null) {
      h.put("If-None-Match", etag);
    }
    return h;
  }

  private static List<Map.Entry<String, String>> kept(List<Map.Entry<String, String>> headers) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Map.Entry<String, String> e : headers) {
      if (STORED_HEADERS.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return List.copyOf(out);
  }

  private static String key(Request r) {
    String who = r.authorization().map(DiscoveryCache::sha256).orElse("proxy");
    return r.path() + '\n' + r.accept() + '\n' + r.acceptEncoding() + '\n' + who;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Documents stored now (for tests and the start-up line). */
  int size() {
    return (int) slots.values().stream().filter(s -> s.stored != null).count();
  }
}
