package dev.kapi.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.client.internal.DiscoveryDocuments;
import dev.kapi.client.internal.HttpTransport;
import dev.kapi.client.internal.Json;
import dev.kapi.client.internal.RequestLog;
import dev.kapi.client.internal.RetryPolicy;
import dev.kapi.config.ClusterConfig;
import dev.kapi.config.ConfigFlags;
import dev.kapi.config.ConfigLoader;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A client for one API server as one identity: raw requests, discovery, and every resource as JSON trees.
 * Thread-safe; make one per application and close it at the end. Holds no static state.
 *
 * <pre>{@code
 * try (KubeClient kube = KubeClient.fromEnvironment()) {          // in a Pod: the service account
 *   Resources pods = kube.resources("pods");                       // plural, singular, short name or kind
 *   pods.list().forEach(p -> System.out.println(p.at("/metadata/name").asText()));
 * }
 * }</pre>
 */
public final class KubeClient implements AutoCloseable {

  private final HttpTransport transport;
  private final Discovery discovery;

  private KubeClient(Builder b) {
    Json json = new Json();
    this.transport = new HttpTransport(b.config, json, b.version, b.retry, b.log, b.compression);
    this.discovery = new Discovery(new DiscoveryDocuments(transport), b.discoveryTtl, System::nanoTime);
  }

  /** A client for this configuration, with defaults. */
  public static KubeClient create(ClusterConfig config) {
    return builder(config).build();
  }

  /** Configuration as kubectl finds it: KUBECONFIG, in-cluster service account, or ~/.kube/config. */
  public static KubeClient fromEnvironment() {
    return create(ConfigLoader.fromEnvironment().load(ConfigFlags.none()));
  }

  public static Builder builder(ClusterConfig config) {
    return new Builder(config);
  }

  public ClusterConfig config() {
    return transport.config();
  }

  /** The HTTP version in use ({@link Builder#httpVersion}). */
  public HttpClient.Version httpVersion() {
    return transport.version();
  }

  /** The Jackson mapper the client reads and writes with (for building objects and patches). */
  public ObjectMapper json() {
    return transport.json().mapper();
  }

  // ---- raw

  /** Sends a request; a 2xx response comes back with its body unread, anything else as a {@link KubeApiException}. */
  public KubeResponse send(KubeRequest request) {
    return transport.send(request);
  }

  /** Sends a request and returns the response whatever its status (for tools that print errors themselves). */
  public KubeResponse exchange(KubeRequest request) {
    return transport.exchange(request);
  }

  /** GET a path (with query) and parse the JSON answer. */
  public JsonNode get(String path) {
    return send(KubeRequest.get(path).build()).json();
  }

  /** The typed exception for a non-2xx response from {@link #exchange} (reads and closes it). */
  public KubeApiException errorOf(KubeResponse response) {
    return transport.error(response, null);
  }

  // ---- discovery and resources

  public Discovery discovery() {
    return discovery;
  }

  /** Operations on a resource named as kubectl accepts it ({@code cm}, {@code cronjobs.batch}, {@code Deployment}) in the default namespace. */
  public Resources resources(String name) {
    return resources(discovery.mapper().resolve(name));
  }

  public Resources resources(ResourceType type) {
    return new Resources(transport, Objects.requireNonNull(type, "type"), config().namespace());
  }

  /** Operations on the resource serving this object's {@code apiVersion} and {@code kind}, in its namespace. */
  public Resources resourcesFor(ObjectNode object) {
    ResourceType t = discovery.mapper().forKind(object.path("apiVersion").asText(), object.path("kind").asText());
    String ns = object.path("metadata").path("namespace").asText("");
    Resources r = resources(t);
    return ns.isEmpty() ? r : r.inNamespace(ns);
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "KubeClient{" + config() + "}";
  }

  /** Options beyond the cluster configuration. */
  public static final class Builder {
    private final ClusterConfig config;
    private HttpClient.Version version = HttpClient.Version.HTTP_1_1;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private RequestLog log = RequestLog.none();
    private Duration discoveryTtl = Duration.ofMinutes(10);
    private boolean compression = true;

    private Builder(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * HTTP/1.1 (the default: a kept-alive connection per concurrent request or watch) or HTTP/2. Not HTTP/2 by
     * default because {@code java.net.http} before JDK 23 fails every open stream when a GOAWAY arrives, and
     * kube-apiserver sends GOAWAY after each 401 (its unauthenticated HTTP/2 mitigation) and when it shuts down:
     * a token rejection would surface as "GOAWAY received" instead of {@link KubeApiException.Unauthorized}.
     */
    public Builder httpVersion(HttpClient.Version v) {
      this.version = Objects.requireNonNull(v);
      return this;
    }

    /** Retries after a 429/5xx with Retry-After or an idempotent connect failure; 0 turns retries off. */
    public Builder maxRetries(int n) {
      this.retry = n == 0 ? RetryPolicy.NONE : new RetryPolicy(n, RetryPolicy.DEFAULT.maxRetryAfter(), RetryPolicy.DEFAULT.connectBackoff());
      return this;
    }

    /** One line per request to {@code sink} (method, URL, status, time); with {@code headers}, headers too, credentials redacted. */
    public Builder requestLog(Consumer<String> sink, boolean headers) {
      this.log = new RequestLog(sink, headers);
      return this;
    }

    /** How long discovery is trusted before it is revalidated (default 10 minutes). */
    public Builder discoveryTtl(Duration ttl) {
      this.discoveryTtl = ttl;
      return this;
    }

    /**
     * Whether to ask for gzip (default yes, as client-go). The server compresses responses over 128 KiB; across a
     * network that saves time, on loopback it only costs CPU on both ends (see docs/benchmarks.md).
     */
    public Builder compression(boolean gzip) {
      this.compression = gzip;
      return this;
    }

    public KubeClient build() {
      return new KubeClient(this);
    }
  }
}
