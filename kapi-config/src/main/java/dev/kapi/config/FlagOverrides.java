package dev.kapi.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Applies the command-line connection flags over the chosen cluster and user, with kubectl's rules
 * ({@code clientcmd/client_config.go} {@code getCluster}, {@code getAuthInfo}):
 * <ul>
 *   <li>{@code --certificate-authority} or {@code --insecure-skip-tls-verify} replace the whole trust group: the
 *       configured CA file and data and the insecure switch (so {@code --insecure-skip-tls-verify} over a kubeconfig
 *       with a CA works, and {@code --certificate-authority} over an insecure cluster verifies again);</li>
 *   <li>{@code --server} also drops a configured {@code tls-server-name} unless {@code --tls-server-name} is given
 *       (a name meant for the old address rarely fits the new one);</li>
 *   <li>{@code --token} / {@code --token-file} replace the bearer credential. Unlike kubectl, they also drop the
 *       user's exec plugin, basic auth and a configured {@code tokenFile} (kubectl lets a kubeconfig
 *       {@code tokenFile} silently win over {@code --token}); a client certificate stays, as in kubectl;</li>
 *   <li>{@code --client-certificate} with {@code --client-key} replace the client certificate.</li>
 * </ul>
 * Every file a flag names is checked here, so errors name the flag.
 */
final class FlagOverrides {

  private FlagOverrides() {
  }

  /** Fails on flags that cannot work, naming the flag. */
  static void validate(ConfigFlags f) {
    f.server().ifPresent(s -> ServerUrl.parse(s, true, "flags", "--server"));
    if (f.token().isPresent() && f.tokenFile().isPresent()) {
      throw new ConfigException("flags", "--token", "and --token-file cannot both be set");
    }
    if (f.certificateAuthority().isPresent() && f.insecureSkipTlsVerify()) {
      throw new ConfigException("flags", "--insecure-skip-tls-verify", "cannot be combined with --certificate-authority: "
          + "choose one");
    }
    f.token().filter(String::isBlank).ifPresent(t -> {
      throw new ConfigException("flags", "--token", "is empty");
    });
    f.tokenFile().ifPresent(p -> {
      try {
        new TokenFile(p).authorization();
      } catch (ConfigException e) {
        throw new ConfigException("flags", "--token-file", "names " + p + ", which " + e.problem());
      }
    });
    f.certificateAuthority().ifPresent(p -> {
      if (!Files.isRegularFile(p)) {
        throw new ConfigException("flags", "--certificate-authority", "names " + p + ", which "
            + (Files.exists(p) ? "is not a regular file" : "does not exist"));
      }
      try {
        TlsSettings.builder().caFile(p).build();
      } catch (ConfigException e) {
        throw new ConfigException("flags", "--certificate-authority", "names " + p + ", which " + e.problem());
      }
    });
    if (f.clientCertificate().isPresent() != f.clientKey().isPresent()) {
      throw new ConfigException("flags", f.clientCertificate().isPresent() ? "--client-certificate" : "--client-key",
          "needs " + (f.clientCertificate().isPresent() ? "--client-key" : "--client-certificate") + " as well");
    }
    if (f.clientCertificate().isPresent()) {
      ClientCertificate.fromFiles(f.clientCertificate().get(), f.clientKey().get(), "flags", "--client-certificate",
          "--client-key");
    }
  }

  static KubeconfigCluster cluster(KubeconfigCluster c, ConfigFlags f) {
    KubeconfigCluster out = c;
    if (f.server().isPresent()) {
      out = out.withServer(f.server().get());
    }
    Optional<Path> caFile = out.certificateAuthority();
    Optional<String> caData = out.certificateAuthorityData();
    boolean insecure = out.insecureSkipTlsVerify();
    Optional<String> serverName = out.tlsServerName();
    if (f.insecureSkipTlsVerify() || f.certificateAuthority().isPresent()) {
      insecure = f.insecureSkipTlsVerify();
      caFile = f.certificateAuthority();
      caData = Optional.empty();
    }
    if (f.tlsServerName().isPresent() || f.server().isPresent()) {
      serverName = f.tlsServerName();
    }
    return out.withTls(caFile, caData, insecure, serverName);
  }

  static KubeconfigUser user(KubeconfigUser u, ConfigFlags f) {
    KubeconfigUser out = u;
    if (f.token().isPresent() || f.tokenFile().isPresent()) {
      out = new KubeconfigUser(u.name(), u.origin(), f.token(), f.tokenFile(), u.clientCertificate(),
          u.clientCertificateData(), u.clientKey(), u.clientKeyData(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), u.impersonation());
    }
    if (f.clientCertificate().isPresent()) {
      out = out.withClientCertificateFiles(f.clientCertificate().get(), f.clientKey().get());
    }
    return out;
  }

  /** Whether any flag changed what the base source said, for the {@code source} label. */
  static boolean any(ConfigFlags f) {
    return f.server().isPresent() || f.token().isPresent() || f.tokenFile().isPresent() || f.certificateAuthority().isPresent()
        || f.insecureSkipTlsVerify() || f.tlsServerName().isPresent() || f.clientCertificate().isPresent()
        || f.namespace().isPresent();
  }
}
