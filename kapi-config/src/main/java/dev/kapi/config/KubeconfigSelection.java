package dev.kapi.config;

import java.util.Optional;

/**
 * The cluster, user and namespace a merged kubeconfig points at after {@code --context}, {@code --cluster} and
 * {@code --user}, as kubectl picks them ({@code clientcmd/client_config.go}). Unlike kubectl, a context naming a
 * cluster or user that does not exist is an error naming the context field, never a silent anonymous request.
 */
record KubeconfigSelection(Optional<KubeconfigContext> context, KubeconfigCluster cluster, KubeconfigUser user,
    Optional<String> namespace, String description) {

  /** Empty when the kubeconfig selects nothing (no current-context and no flags): the caller tries the next source. */
  static Optional<KubeconfigSelection> select(MergedKubeconfig kc, ConfigFlags flags) {
    KubeconfigContext ctx = null;
    Optional<String> contextName = flags.context().or(kc::currentContext);
    if (contextName.isPresent()) {
      ctx = kc.contexts().get(contextName.get());
      if (ctx == null) {
        String problem = "names context \"" + contextName.get() + "\", which is not defined in " + kc.label() + " ("
            + MergedKubeconfig.names(kc.contexts()) + ")";
        throw flags.context().isPresent()
            ? new ConfigException("flags", "--context", problem)
            : new ConfigException(kc.currentContextFile().map(Object::toString).orElse(kc.label()), "current-context", problem);
      }
    }
    if (ctx == null && flags.cluster().isEmpty() && flags.user().isEmpty()) {
      return Optional.empty();
    }
    KubeconfigCluster cluster = cluster(kc, ctx, flags);
    KubeconfigUser user = user(kc, ctx, flags);
    String description = "kubeconfig " + kc.label() + (ctx != null ? " context " + ctx.name() : "")
        + flags.cluster().map(c -> " cluster " + c).orElse("") + flags.user().map(u -> " user " + u).orElse("");
    return Optional.of(new KubeconfigSelection(Optional.ofNullable(ctx), cluster, user,
        ctx == null ? Optional.empty() : ctx.namespace(), description));
  }

  private static KubeconfigCluster cluster(MergedKubeconfig kc, KubeconfigContext ctx, ConfigFlags flags) {
    if (flags.cluster().isPresent()) {
      KubeconfigCluster c = kc.clusters().get(flags.cluster().get());
      if (c == null) {
        throw new ConfigException("flags", "--cluster", "names cluster \"" + flags.cluster().get()
            + "\", which is not defined in " + kc.label() + " (" + MergedKubeconfig.names(kc.clusters()) + ")");
      }
      return c;
    }
    if (ctx == null || ctx.cluster().isEmpty()) {
      return KubeconfigCluster.empty(ctx == null ? kc.label() : ctx.origin().toString());
    }
    KubeconfigCluster c = kc.clusters().get(ctx.cluster().get());
    if (c == null) {
      throw new ConfigException(ctx.origin().toString(), ctx.field("cluster"), "names cluster \"" + ctx.cluster().get()
          + "\", which is not defined in " + kc.label() + " (" + MergedKubeconfig.names(kc.clusters()) + ")");
    }
    return c;
  }

  private static KubeconfigUser user(MergedKubeconfig kc, KubeconfigContext ctx, ConfigFlags flags) {
    if (flags.user().isPresent()) {
      KubeconfigUser u = kc.users().get(flags.user().get());
      if (u == null) {
        throw new ConfigException("flags", "--user", "names user \"" + flags.user().get()
            + "\", which is not defined in " + kc.label() + " (" + MergedKubeconfig.names(kc.users()) + ")");
      }
      return u;
    }
    if (ctx == null || ctx.user().isEmpty()) {
      return KubeconfigUser.empty(ctx == null ? kc.label() : ctx.origin().toString()); // anonymous, as kubectl
    }
    KubeconfigUser u = kc.users().get(ctx.user().get());
    if (u == null) {
      throw new ConfigException(ctx.origin().toString(), ctx.field("user"), "names user \"" + ctx.user().get()
          + "\", which is not defined in " + kc.label() + " (" + MergedKubeconfig.names(kc.users()) + ")");
    }
    return u;
  }
}
