package dev.kapi.config;

/**
 * The legacy {@code auth-provider} stanza. Kubernetes removed the in-tree gcp and azure providers; kapi gives
 * the same message kubectl gives ({@code client-go/plugin/pkg/client/auth/{gcp,azure}} stubs, as printed by
 * kubectl 1.32). oidc still exists in client-go but is not implemented here: an exec plugin does the same job.
 */
final class AuthProviders {

  static final String GCP_REMOVED = """
      The gcp auth plugin has been removed.
      Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead.
      See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details""";

  static final String AZURE_REMOVED = """
      The azure auth plugin has been removed.
      Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.
      See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details""";

  private AuthProviders() {
  }

  static ConfigException unsupported(KubeconfigUser user, KubeconfigUser.AuthProvider provider) {
    String field = user.field("auth-provider");
    return switch (provider.name()) {
      case "gcp" -> new ConfigException(user.source(), field, "is gcp: " + GCP_REMOVED);
      case "azure" -> new ConfigException(user.source(), field, "is azure: " + AZURE_REMOVED);
      case "oidc" -> new ConfigException(user.source(), field, "is oidc, which kapi does not support: configure an exec "
          + "credential plugin instead, e.g. kubelogin (https://github.com/int128/kubelogin: command kubectl, args "
          + "[oidc-login, get-token, --oidc-issuer-url=..., --oidc-client-id=...])");
      default -> new ConfigException(user.source(), field, "names no known auth provider: \"" + provider.name()
          + "\" (kubectl: no Auth Provider found for name \"" + provider.name() + "\")");
    };
  }
}
