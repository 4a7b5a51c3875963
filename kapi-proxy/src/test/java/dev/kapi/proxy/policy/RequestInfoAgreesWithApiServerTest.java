package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapi.testing.AdminClient;
import dev.kapi.testing.ApiServer;
import dev.kapi.testing.ApiServerExtension;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real API server is the oracle for {@link RequestInfoParser} and {@link Impersonation}: a service account
 * with no rights sends each request, and the server's 403 names the verb, resource, subresource, API group,
 * namespace and object name it derived. kapi must derive the same, or a local policy means something else than
 * the RBAC rule it copies. Requests are written byte for byte over TLS, so {@code ;}, {@code #} and bad escapes
 * reach the server exactly as a client would send them through the proxy.
 */
@ExtendWith(ApiServerExtension.class)
class RequestInfoAgreesWithApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FORBIDDEN = Pattern.compile(
      "cannot (\\S*) resource \"([^\"]*)\" in API group \"([^\"]*)\" (?:in the namespace \"([^\"]*)\"|at the cluster scope)");
  private static final Pattern FORBIDDEN_PATH = Pattern.compile("cannot (\\S*) path \"([^\"]*)\"");

  private ApiServer api;
  private String token;

  @BeforeEach
  void serviceAccountWithNoRights(ApiServer api) {
    this.api = api;
    String ns = "kapi-ri";
    api.createNamespace(ns);
    api.createServiceAccount(ns, "nobody");
    token = api.mintToken(ns, "nobody", Duration.ofHours(1));
  }

  @Test
  void trickyQueriesPathsAndMethodsAreDerivedAsTheServerDerivesThem() throws Exception {
    String[][] cases = {
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=yes"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch="},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=FaLsE"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=fal%C5%BFe"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=0&watch=1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=1;x=y"},
        {"GET", "/api/v1/namespaces/d/configmaps", "x=y;watch=1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "x=%zz&watch=1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "w%61tch=1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=1#frag"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name%3Dc1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name==c1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "watch=1&fieldSelector=metadata.name=c1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name!=c1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name+=+c1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=z=1,metadata.name=c1"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=b,metadata.name=a"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=a%5C,b"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=c1,bogus"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=.."},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=c1&fieldSelector=metadata.name=c2"},
        {"GET", "/api/v1/namespaces/d/configmaps", "fieldSelector=metadata.name=c1#x"},
        {"GET", "/api/v1/watch/namespaces/d/configmaps", "fieldSelector=metadata.name=c1"},
        {"GET", "/api/v1/watch/namespaces/d/configmaps/c1", null},
        {"GET", "/api/v1/proxy/namespaces/d/pods/p/exec", null},
        {"GET", "/api/v1/namespaces/d/pods/p/exec", "command=ls"},
        {"POST", "/api/v1/namespaces/d/pods/p/portforward", null},
        {"GET", "/api/v1/nodes/n1/proxy/run/a/b/c", null},
        {"GET", "/api/v1/namespaces/d/services/https:s:443/proxy/x", null},
        {"PATCH", "/api/v1/namespaces/d/pods/p/ephemeralcontainers", null},
        {"DELETE", "/api/v1/namespaces/d/configmaps", null},
        {"DELETE", "/api/v1/namespaces/d/configmaps/", null},
        {"PUT", "/api/v1/namespaces/d/finalize", null},
        {"GET", "/api/v1/namespaces/d/status", null},
        {"GET", "/api/v1/namespaces/d", null},
        {"GET", "/api/v1/namespaces", null},
        {"GET", "/apis/batch/v1/namespaces/d/jobs/j/status", null},
        {"GET", "/apis/apps/v1/deployments", "watch=1"},
        {"OPTIONS", "/api/v1/namespaces/d/pods", null},
        {"get", "/api/v1/namespaces/d/pods/p", null},
        {"GET", "/apis/example.com/v1/namespaces/d/things/t/sub/extra/parts", null},
        {"GET", "/api/v1/namespaces/d/pods/p/log/", "follow=true"},
    };
    for (String[] c : cases) {
      assertAgrees(c[0], c[1], c[2]);
    }
  }

  @Test
  void randomRequestsFromAGrammarOfKubernetesPathsAgree() throws Exception {
    Random random = new Random(8); // fixed seed: the same 250 requests every run
    String[] segments = {"api", "apis", "v1", "batch", "apps", "namespaces", "d", "pods", "p", "exec", "proxy", "watch", "status",
        "finalize", "log", "configmaps", "nodes", "n", "services", "scale", "x", "deployments"};
    String[] methods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    String[] params = {"watch=1", "watch=0", "watch=yes", "watch", "watch=false", "fieldSelector=metadata.name=p",
        "fieldSelector=metadata.name!=p", "fieldSelector=a=b,metadata.name=q", "x=1;watch=1", "limit=5", "q=%zz", ""};
    int compared = 0;
    for (int i = 0; i < 250; i++) {
      StringBuilder path = new StringBuilder(random.nextBoolean() ? "/api/v1" : "/apis/apps/v1");
      int n = 1 + random.nextInt(6);
      for (int s = 0; s < n; s++) {
        path.append('/').append(segments[random.nextInt(segments.length)]);
      }
      List<String> query = new ArrayList<>();
      for (int q = random.nextInt(3); q > 0; q--) {
        query.add(params[random.nextInt(params.length)]);
      }
      if (assertAgrees(methods[random.nextInt(methods.length)], path.toString(), query.isEmpty() ? null : String.join("&", query))) {
        compared++;
      }
    }
    assertThat(compared).as("requests the server answered with an authorization verdict").isGreaterThan(200);
  }

  @Test
  void theImpersonationRulesKapiDemandsAreExactlyTheOnesTheServerAccepts() throws Exception {
    List<List<Map.Entry<String, String>>> cases = List.of(
        List.of(Map.entry("Impersonate-User", "system:serviceaccount:apps:bot")),
        List.of(Map.entry("Impersonate-User", "system:serviceaccount:Apps:bot")),
        List.of(Map.entry("impersonate-user", "alice"), Map.entry("Impersonate-Group", "readers"),
            Map.entry("Impersonate-Group", "writers")),
        List.of(Map.entry("Impersonate-User", "alice"), Map.entry("Impersonate-Uid", "u-1")),
        List.of(Map.entry("Impersonate-User", "alice"), Map.entry("Impersonate-Extra-Acme.com%2Fproject", "p1")));
    int n = 0;
    for (List<Map.Entry<String, String>> headers : cases) {
      String sa = "imp-" + n++;
      api.createServiceAccount("kapi-ri", sa);
      String saToken = api.mintToken("kapi-ri", sa, Duration.ofHours(1));
      List<RequestInfo> checks = Impersonation.checks(headers);

      assertThat(impersonationRefused(saToken, headers)).as("no rights yet: " + headers).isTrue();
      grant(sa, checks.subList(0, checks.size() - 1), "all-but-last");
      // the same role lets the account get one (absent) ConfigMap: once that is a 404, RBAC sees the binding
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
          send("GET", "/api/v1/namespaces/kapi-ri/configmaps/sentinel", null, List.of(), saToken).status == 404);
      assertThat(impersonationRefused(saToken, headers)).as("one check short: " + headers).isTrue();
      grant(sa, checks, "all");
      Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(impersonationRefused(saToken, headers)).as("exactly kapi's checks granted: " + headers).isFalse());
    }
  }

  /** A ClusterRole with one rule per check (namespaced checks too: a cluster binding covers every namespace). */
  private void grant(String sa, List<RequestInfo> checks, String suffix) {
    String name = "kapi-ri-" + sa + "-" + suffix;
    ObjectNode role = JSON.createObjectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "ClusterRole");
    role.putObject("metadata").put("name", name);
    var rules = role.putArray("rules");
    ObjectNode sentinel = rules.addObject();
    sentinel.putArray("apiGroups").add("");
    sentinel.putArray("resources").add("configmaps");
    sentinel.putArray("verbs").add("get");
    sentinel.putArray("resourceNames").add("sentinel");
    for (RequestInfo c : checks) {
      ObjectNode rule = rules.addObject();
      rule.putArray("apiGroups").add(c.apiGroup());
      rule.putArray("resources").add(c.qualifiedResource());
      rule.putArray("verbs").add(c.verb());
      rule.putArray("resourceNames").add(c.name());
    }
    api.admin().ensure("/apis/rbac.authorization.k8s.io/v1/clusterroles", role);
    api.bindClusterRole(name, "kapi-ri", sa);
  }

  /** True when the impersonation itself is refused; false when the server acts as the impersonated user. */
  private boolean impersonationRefused(String saToken, List<Map.Entry<String, String>> headers) throws Exception {
    Verdict v = send("GET", "/api/v1/namespaces/kapi-ri/configmaps", null, headers, saToken);
    assertThat(v.status).as(v.body).isEqualTo(403);
    return !v.body.contains("User \"" + headers.get(0).getValue() + "\" cannot list");
  }

  /** Returns whether the server gave a verdict to compare (a 403 from authorization). */
  private boolean assertAgrees(String method, String path, String rawQuery) throws Exception {
    Verdict v = send(method, path, rawQuery, List.of(), token);
    RequestInfo kapi = RequestInfoParser.parse(method, path, rawQuery);
    String what = method + " " + path + (rawQuery == null ? "" : "?" + rawQuery) + " -> " + v.status + " " + v.body;
    if (v.status != 403 || v.verb == null) {
      // authorized (discovery is open to every authenticated user) or refused before authorization: only a
      // non-resource path may be authorized for a service account with no rights
      // (a HEAD's 403 has no body to compare)
      assertThat(kapi.resourceRequest() && !kapi.resource().isEmpty() && v.status / 100 == 2).as(what).isFalse();
      return false;
    }
    if (v.resource == null) {
      assertThat(kapi.resourceRequest()).as(what).isFalse();
      assertThat(v.verb).as(what).isEqualTo(kapi.verb());
      return true;
    }
    assertThat(v.describe()).as(what).isEqualTo(kapi.verb() + " " + kapi.qualifiedResource() + " in \"" + kapi.apiGroup()
        + "\" ns=" + kapi.namespace() + " name=" + kapi.name());
    return true;
  }

  private record Verdict(int status, String body, String verb, String resource, String group, String namespace, String name) {
    String describe() {
      return verb + " " + resource + " in \"" + group + "\" ns=" + namespace + " name=" + name;
    }
  }

  /** One request, written as raw bytes over TLS, answered with {@code Connection: close}. */
  private Verdict send(String method, String path, String rawQuery, List<Map.Entry<String, String>> headers, String token)
      throws Exception {
    var ssl = AdminClient.sslContext(api.pki().ca().certificate(), null);
    try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method).append(' ').append(path);
      if (rawQuery != null) {
        req.append('?').append(rawQuery);
      }
      req.append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(api.port()).append("\r\nAuthorization: Bearer ").append(token)
          .append("\r\nAccept: application/json\r\nConnection: close\r\n");
      for (Map.Entry<String, String> h : headers) {
        req.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int bodyAt = response.indexOf("\r\n\r\n");
      String body = bodyAt < 0 ? "" : response.substring(bodyAt + 4);
      if (status != 403 || !body.startsWith("{")) {
        return new Verdict(status, body, null, null, null, null, null);
      }
      JsonNode s = JSON.readTree(body);
      String message = s.path("message").asText();
      Matcher m = FORBIDDEN.matcher(message);
      if (m.find()) {
        return new Verdict(status, message, m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4),
            s.path("details").path("name").asText(""));
      }
      Matcher p = FORBIDDEN_PATH.matcher(message);
      return new Verdict(status, message, p.find() ? p.group(1) : "?", null, null, null, null);
    }
  }
}
