package dev.kapi.proxy.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --policy FILE}: what the Pod's other containers may do through the ambassador, as Role-shaped rules,
 * evaluated on the parsed request before anything goes upstream. Everything not allowed is denied. Lets the
 * Pod hand its app containers a narrower slice of what the service account may do.
 *
 * <p>File format (YAML or JSON): a Role/ClusterRole object or a bare {@code rules:} document; each rule may add
 * {@code namespaces}. Impersonation headers pass only when a rule allows verb {@code impersonate}.
 */
public final class Policy {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private final List<PolicyRule> rules;
  private final String source;

  public Policy(List<PolicyRule> rules, String source) {
    this.rules = List.copyOf(rules);
    this.source = source;
  }

  public static Policy load(Path file) {
    JsonNode doc;
    try {
      doc = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("policy " + file + ": cannot be read: " + firstLine(e.getMessage()));
    }
    if (doc == null || !doc.path("rules").isArray()) {
      throw new IllegalArgumentException("policy " + file + ": needs a \"rules\" list (a Role's rules)");
    }
    List<PolicyRule> rules = new ArrayList<>();
    int i = 0;
    for (JsonNode r : doc.path("rules")) {
      try {
        PolicyRule rule = YAML.treeToValue(r, PolicyRule.class);
        if (rule.verbs().isEmpty()) {
          throw new IllegalArgumentException("has no verbs");
        }
        if (rule.resources().isEmpty() && rule.nonResourceURLs().isEmpty()) {
          throw new IllegalArgumentException("has neither resources nor nonResourceURLs");
        }
        rules.add(rule);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("policy " + file + ": rules[" + i + "] " + firstLine(e.getMessage()));
      }
      i++;
    }
    return new Policy(rules, file.toString());
  }

  public PolicyDecision decide(RequestInfo request) {
    for (PolicyRule r : rules) {
      if (r.allows(request)) {
        return PolicyDecision.ALLOW;
      }
    }
    return new PolicyDecision.Deny("policy", "kapi policy " + source + " does not allow " + request.describe());
  }

  /** Whether impersonating {@code resource} (users, groups, serviceaccounts, uids, userextras/KEY) as {@code name} is allowed. */
  public boolean allowsImpersonation(String resource, String name) {
    RequestInfo r = new RequestInfo(true, "impersonate", "", "apis", resource.equals("serviceaccounts") ? "" : "authentication.k8s.io",
        "v1", "", resource, "", name, List.of());
    return rules.stream().anyMatch(rule -> rule.allows(r));
  }

  public List<PolicyRule> rules() {
    return rules;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse(s);
  }
}
