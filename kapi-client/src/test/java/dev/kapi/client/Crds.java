package dev.kapi.client;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.testing.ApiServer;
import java.time.Duration;

/** CustomResourceDefinitions for tests: created through the admin client, waited on until Established. */
final class Crds {

  static final String GROUP = "test.kapi.dev";

  private Crds() {
  }

  /** Creates a namespaced CRD {@code <plural>.test.kapi.dev} with kind = singular capitalised, scale and status subresources. */
  static String create(ApiServer api, String plural) {
    String singular = plural.substring(0, plural.length() - 1);
    String kind = Character.toUpperCase(singular.charAt(0)) + singular.substring(1);
    String crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"%s.%s"},
         "spec":{"group":"%s","scope":"Namespaced",
           "names":{"plural":"%s","singular":"%s","kind":"%s","shortNames":["%s"]},
           "versions":[{"name":"v1","served":true,"storage":true,
             "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """.formatted(plural, GROUP, GROUP, plural, singular, kind, "k" + plural.substring(0, 3));
    try {
      api.admin().post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", new com.fasterxml.jackson.databind.ObjectMapper().readTree(crd));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> established(api, plural + "." + GROUP));
    return plural;
  }

  private static boolean established(ApiServer api, String name) {
    JsonNode crd = api.admin().get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name);
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Established") && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }
}
