package dev.kapi.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.testing.ApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Compacts the test API server's etcd as kube-apiserver's own compactor does (every 5 minutes in a real
 * cluster), through etcd's JSON gateway: record the revision under {@code compact_rev_key}, then compact to it.
 * Recording it matters: since ListFromCacheSnapshot (beta, on by default in 1.36) the API server serves
 * continue tokens from watch-cache snapshots, and it drops the snapshots older than a compaction only when it
 * learns of one through that key (a watch on it, polled by the cache every 15 s). A bare etcd compaction would
 * leave old tokens working until the watch cache's history rolls over.
 */
final class EtcdCompaction {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private EtcdCompaction() {
  }

  /** Compacts every revision before the current one; returns the compacted revision. */
  static long compactToCurrentRevision(ApiServer api) throws IOException, InterruptedException {
    URI etcd = api.etcdUrl();
    long revision = post(etcd, "/v3/kv/range", "{\"key\":\"" + b64("/") + "\"}").at("/header/revision").asLong();
    post(etcd, "/v3/kv/put", "{\"key\":\"" + b64("compact_rev_key") + "\",\"value\":\"" + b64(Long.toString(revision)) + "\"}");
    post(etcd, "/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
    return revision;
  }

  private static JsonNode post(URI etcd, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(etcd.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("etcd " + path + ": HTTP " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
