package dev.kapi.proxy.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapi.config.internal.AnchoredYaml;
import dev.kapi.config.internal.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --policy FILE}: what the Pod's other containers may do through the ambassador, as Role-shaped rules,
 * evaluated on the parsed request before anything goes upstream. Everything not allowed is denied. Lets the
 * Pod hand its app containers a narrower slice of what the service account may do.
 *
 * <p>File format (YAML or JSON), one document: a ClusterRole object or a bare {@code rules:} document, whose rules
 * may add {@code namespaces}; or a Role object, whose rules apply in its {@code metadata.namespace} only, as in
 * RBAC. Rules follow RBAC's matching exactly ({@link PolicyRule}); impersonation headers pass only when a rule
 * allows verb {@code impersonate} ({@link #decideImpersonation}).
 */
public final class Policy {

  // the file is read as kubectl reads YAML: anchors and aliases resolved (an alias is never read as its own name),
  // and a repeated key fails it, where a mapper would keep the last value silently: a rule nobody reads
  private static final AnchoredYaml YAML = new AnchoredYaml();
  private static final ObjectMapper RULES = rulesMapper();

  private static final java.util.regex.Pattern NAMESPACE =
      java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final List<PolicyRule> rules;
  private final String source;

  public Policy(List<PolicyRule> rules, String source) {
    this.rules = List.copyOf(rules);
    this.source = source;
  }

  /**
   * Rules as the API server reads a Role: an unknown field fails, and so does a number or a boolean where a string
   * belongs ({@code resourceNames: [0123]} was read as "83", YAML 1.1's octal; kubectl refuses such a Role).
   */
  private static ObjectMapper rulesMapper() {
    ObjectMapper m = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    m.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean,
            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
    return m;
  }

  public static Policy load(Path file) {
    JsonNode doc;
    try (JsonParser docs = YAML.createParser(Files.readAllBytes(file))) {
      doc = JsonTrees.read(docs);
      if (doc.isMissingNode()) {
        doc = null;
      } else if (docs.nextToken() != null) {
        throw new PolicyException("policy " + file + ": has more than one document (a policy is one Role, ClusterRole"
            + " or rules: list)");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PolicyException p) {
        throw p;
      }
      throw new PolicyException("policy " + file + ": cannot be read: " + firstLine(e.getMessage()));
    }
    if (doc == null || !doc.path("rules").isArray()) {
      throw new PolicyException("policy " + file + ": needs a \"rules\" list (a Role's rules)");
    }
    String roleNamespace = roleNamespace(file, doc);
    List<PolicyRule> rules = new ArrayList<>();
    int i = 0;
    for (JsonNode r : doc.path("rules")) {
      try {
        if (!r.isObject()) {
          throw new IllegalArgumentException("is not a mapping");
        }
        PolicyRule rule = validate(RULES.treeToValue(r, PolicyRule.class));
        rules.add(roleNamespace == null ? rule : inRole(rule, roleNamespace));
      } catch (IOException | RuntimeException e) {
        throw new PolicyException("policy " + file + ": rules[" + i + "] " + firstLine(e.getMessage()));
      }
      i++;
    }
    return new Policy(rules, file.toString());
  }

  /**
   * The namespace a {@code kind: Role} grants in, or null for a ClusterRole or a bare rules list. A Role in RBAC
   * grants nothing outside its namespace; read as a bare list it would grant everywhere, so one without a
   * namespace is refused rather than guessed.
   */
  private static String roleNamespace(Path file, JsonNode doc) {
    String kind = doc.path("kind").asText("");
    switch (kind) {
      case "", "ClusterRole":
        return null;
      case "Role":
        String ns = doc.path("metadata").path("namespace").asText("");
        if (ns.isEmpty()) {
          throw new PolicyException("policy " + file + ": a Role grants only in its own namespace: set"
              + " metadata.namespace, or use kind: ClusterRole (or a bare rules: list) with per-rule namespaces");
        }
        if (!NAMESPACE.matcher(ns).matches()) {
          throw new PolicyException("policy " + file + ": metadata.namespace \"" + ns + "\" is not a namespace name");
        }
        return ns;
      default:
        throw new PolicyException("policy " + file + ": kind \"" + kind + "\" is not a policy (use Role, ClusterRole"
            + " or a bare rules: list)");
    }
  }

  /** A Role's rule, held to the Role's namespace; the API server refuses the same two shapes in a Role. */
  private static PolicyRule inRole(PolicyRule rule, String namespace) {
    if (!rule.nonResourceURLs().isEmpty()) {
      throw new IllegalArgumentException("has nonResourceURLs, which a namespaced Role cannot grant (use a ClusterRole)");
    }
    if (!rule.namespaces().isEmpty()) {
      throw new IllegalArgumentException("sets namespaces in a Role, which grants only in its own namespace \""
          + namespace + "\" (use a ClusterRole for several)");
    }
    return new PolicyRule(rule.apiGroups(), rule.resources(), rule.resourceNames(), rule.verbs(), List.of(namespace),
        rule.nonResourceURLs());
  }

  /**
   * The checks the API server applies to a Role's rules, plus kapi's {@code namespaces}: a rule that could never
   * match is a mistake worth a startup error rather than a silent deny at request time.
   */
  private static PolicyRule validate(PolicyRule rule) {
    if (rule.verbs().isEmpty()) {
      throw new IllegalArgumentException("has no verbs");
    }
    if (rule.resources().isEmpty() && rule.nonResourceURLs().isEmpty()) {
      throw new IllegalArgumentException("has neither resources nor nonResourceURLs");
    }
    if (!rule.resources().isEmpty() && !rule.nonResourceURLs().isEmpty()) {
      throw new IllegalArgumentException("mixes resources and nonResourceURLs (RBAC rules apply to one or the other)");
    }
    if (!rule.resources().isEmpty() && rule.apiGroups().isEmpty()) {
      throw new IllegalArgumentException("has resources but no apiGroups (use [\"\"] for the core group, as in a Role)");
    }
    if (!rule.nonResourceURLs().isEmpty() && !(rule.namespaces().isEmpty() && rule.resourceNames().isEmpty())) {
      throw new IllegalArgumentException("has nonResourceURLs with namespaces or resourceNames, which apply to resources only");
    }
    for (String url : rule.nonResourceURLs()) {
      if (!url.equals("*") && !url.startsWith("/")) {
        throw new IllegalArgumentException("nonResourceURL \"" + url + "\" must start with / (or be *)");
      }
    }
    return rule;
  }

  public PolicyDecision decide(RequestInfo request) {
    for (PolicyRule r : rules) {
      if (r.allows(request)) {
        return PolicyDecision.ALLOW;
      }
    }
    return new PolicyDecision.Deny("policy", "kapi policy " + source + " does not allow " + request.describe());
  }

  /**
   * Whether the policy lets a request carry these {@code Impersonate-*} headers: each impersonated user, service
   * account, group, uid and extra value must be allowed as verb {@code impersonate}, checked with the attributes
   * the API server's impersonation filter checks (see {@link Impersonation}). Headers that are not
   * {@code Impersonate-*} are ignored, so the whole request header list can be passed.
   */
  public PolicyDecision decideImpersonation(Iterable<? extends Map.Entry<String, String>> headers) {
    for (RequestInfo check : Impersonation.checks(headers)) {
      if (rules.stream().noneMatch(rule -> rule.allows(check))) {
        return new PolicyDecision.Deny("policy", "kapi policy " + source + " does not allow " + check.describe()
            + " (Impersonate-* headers are allowed only by a rule with verb \"impersonate\")");
      }
    }
    return PolicyDecision.ALLOW;
  }

  public List<PolicyRule> rules() {
    return rules;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse(s);
  }
}
