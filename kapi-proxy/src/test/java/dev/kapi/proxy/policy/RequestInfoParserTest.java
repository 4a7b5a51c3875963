package dev.kapi.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same derivations as the API server's requestinfo.go, case by case. */
class RequestInfoParserTest {

  @ParameterizedTest(name = "{0} {1}{2} -> {3} {4}/{5} ns={6} name={7}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // method | path | query | verb | group | resource | namespace | name | subresource
      "GET    | /api/v1/namespaces/demo/pods            | -                         | list             | -     | pods        | demo | -    | -",
      "GET    | /api/v1/namespaces/demo/pods            | watch=true                | watch            | -     | pods        | demo | -    | -",
      "GET    | /api/v1/namespaces/demo/pods/p1         | -                         | get              | -     | pods        | demo | p1   | -",
      "HEAD   | /api/v1/namespaces/demo/pods/p1         | -                         | get              | -     | pods        | demo | p1   | -",
      "GET    | /api/v1/namespaces/demo/pods/p1/log     | follow=true               | get              | -     | pods        | demo | p1   | log",
      "POST   | /api/v1/namespaces/demo/pods/p1/exec    | -                         | create           | -     | pods        | demo | p1   | exec",
      "GET    | /api/v1/namespaces/demo/pods/p1/exec    | -                         | get              | -     | pods        | demo | p1   | exec",
      "POST   | /api/v1/namespaces/demo/configmaps      | -                         | create           | -     | configmaps  | demo | -    | -",
      "PUT    | /api/v1/namespaces/demo/configmaps/c    | -                         | update           | -     | configmaps  | demo | c    | -",
      "PATCH  | /api/v1/namespaces/demo/configmaps/c    | -                         | patch            | -     | configmaps  | demo | c    | -",
      "DELETE | /api/v1/namespaces/demo/configmaps/c    | -                         | delete           | -     | configmaps  | demo | c    | -",
      "DELETE | /api/v1/namespaces/demo/configmaps      | -                         | deletecollection | -     | configmaps  | demo | -    | -",
      "GET    | /apis/batch/v1/namespaces/demo/jobs     | -                         | list             | batch | jobs        | demo | -    | -",
      "GET    | /apis/batch/v1/jobs                     | -                         | list             | batch | jobs        | -    | -    | -",
      "GET    | /api/v1/namespaces                      | -                         | list             | -     | namespaces  | -    | -    | -",
      "GET    | /api/v1/namespaces/demo                 | -                         | get              | -     | namespaces  | demo | demo | -",
      "PUT    | /api/v1/namespaces/demo/finalize        | -                         | update           | -     | namespaces  | demo | demo | finalize",
      "GET    | /api/v1/nodes/n1/proxy/run/a/b          | -                         | get              | -     | nodes       | -    | n1   | proxy",
      "GET    | /api/v1/watch/namespaces/demo/pods      | -                         | watch            | -     | pods        | demo | -    | -",
      "GET    | /api/v1/namespaces/demo/pods            | fieldSelector=metadata.name=p1 | list        | -     | pods        | demo | p1   | -",
  })
  void derivesWhatTheApiServerDerives(String method, String path, String query, String verb, String group, String resource,
      String namespace, String name, String subresource) {
    Map<String, String> q = query == null ? Map.of() : Map.of(query.substring(0, query.indexOf('=')), query.substring(query.indexOf('=') + 1));

    RequestInfo r = RequestInfoParser.parse(method, path, q);

    assertThat(r.resourceRequest()).isTrue();
    assertThat(r.verb()).isEqualTo(verb);
    assertThat(r.apiGroup()).isEqualTo(group == null ? "" : group);
    assertThat(r.resource()).isEqualTo(resource);
    assertThat(r.namespace()).isEqualTo(namespace == null ? "" : namespace);
    assertThat(r.name()).isEqualTo(name == null ? "" : name);
    assertThat(r.subresource()).isEqualTo(subresource == null ? "" : subresource);
  }

  @ParameterizedTest(name = "{0} {1}?{2} -> {3} {4}/{5} name={6}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // method | path | raw query | verb | resource | subresource | name
      // apimachinery's bool: anything but 0/false (any case) is true, a bare key included
      "GET | /api/v1/namespaces/d/pods | watch=yes                               | watch | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch                                   | watch | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch=                                  | watch | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch=FALSE                             | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch=fal%C5%BFe                        | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch=0&watch=1                         | list  | pods | - | -",
      // Go's url.ParseQuery: & only, a pair with ; dropped, a pair with a bad escape dropped, # is data
      "GET | /api/v1/namespaces/d/pods | watch=1;x=y                             | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | x=y;watch=1                             | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | x=%zz&watch=1                           | watch | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | w%61tch=1                               | watch | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | watch=1#frag                            | watch | pods | - | -",
      // a list's name comes from fieldSelector only as the server's selector parser finds it
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name%3Dp1        | list  | pods | - | p1",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name%3D%3Dp1     | list  | pods | - | p1",
      "GET | /api/v1/namespaces/d/pods | watch=1&fieldSelector=metadata.name=p1  | watch | pods | - | p1",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name!=p1         | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name+=+p1        | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=spec.x=1,metadata.name=p1 | list  | pods | - | p1",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=b,metadata.name=a | list | pods | - | a",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=a\\,b      | list  | pods | - | 'a,b'",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=a=b         | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=p1,bogus    | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=p1\\       | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=..          | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=a%2Fb       | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=a%ffb       | list  | pods | - | -",
      "GET | /api/v1/namespaces/d/pods | fieldSelector=metadata.name=p1&fieldSelector=metadata.name=p2 | list | pods | - | p1",
      "GET | /api/v1/watch/namespaces/d/pods | fieldSelector=metadata.name=p1  | watch | pods | - | -",
      // the proxy special verb takes no subresource; methods are case-sensitive; trailing slashes trimmed
      "GET | /api/v1/proxy/namespaces/d/pods/p/exec | -                        | proxy | pods | - | p",
      "get | /api/v1/namespaces/d/pods/p | -                                   | -     | pods | - | p",
      "OPTIONS | /api/v1/namespaces/d/pods | -                                 | -     | pods | - | -",
      "DELETE | /api/v1/namespaces/d/pods/ | -                                 | deletecollection | pods | - | -",
      "GET | /api/v1/namespaces/d/pods/p/exec/ | -                             | get   | pods | exec | p",
  })
  void readsTheQueryAndTheNameExactlyAsTheServer(String method, String path, String rawQuery, String verb, String resource,
      String subresource, String name) {
    RequestInfo r = RequestInfoParser.parse(method, path, rawQuery);

    assertThat(r.resourceRequest()).isTrue();
    assertThat(r.verb()).isEqualTo(verb == null ? "" : verb);
    assertThat(r.resource()).isEqualTo(resource);
    assertThat(r.subresource()).isEqualTo(subresource == null ? "" : subresource);
    assertThat(r.name()).isEqualTo(name == null ? "" : name);
  }

  @ParameterizedTest
  @CsvSource({"GET,/api", "GET,/api/v1", "GET,/apis", "GET,/apis/batch", "GET,/apis/batch/v1", "GET,/version", "GET,/healthz",
      "POST,/apis/authentication.k8s.io"})
  void discoveryAndHealthAreNonResourceRequests(String method, String path) {
    RequestInfo r = RequestInfoParser.parse(method, path, Map.of());

    assertThat(r.resourceRequest()).isFalse();
    assertThat(r.verb()).isEqualTo(method.toLowerCase());
  }
}
