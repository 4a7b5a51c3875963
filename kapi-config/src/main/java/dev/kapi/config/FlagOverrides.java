package dev.kapi.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Applies the command-line connection flags over a base configuration. A TLS flag rebuilds the TLS settings;
 * a credential flag replaces the credentials: {@code --token} is static (as asked), {@code --token-file}
 * rotates.
 */
final class FlagOverrides {

  private FlagOverrides() {
  }

  static ClusterConfig apply(ClusterConfig base, ConfigFlags f) {
    ClusterConfig.Builder b = base.toBuilder();
    f.server().ifPresent(s -> b.server(URI.create(s)));
    f.namespace().ifPresent(b::namespace);
    f.userAgent().ifPresent(b::userAgent);
    if (f.token().isPresent() && f.tokenFile().isPresent()) {
      throw new ConfigException("flags", "--token", "and --token-file cannot both be set");
    }
    f.token().ifPresent(t -> b.credentials(new StaticToken(t)));
    f.tokenFile().ifPresent(p -> {
      TokenFile tf = new TokenFile(p);
      tf.authorization();
      b.credentials(tf);
    });
    boolean tlsFlag = f.certificateAuthority().isPresent() || f.insecureSkipTlsVerify() || f.tlsServerName().isPresent()
        || f.clientCertificate().isPresent() || f.clientKey().isPresent();
    if (tlsFlag) {
      b.tls(tls(base.tls(), f));
    }
    return b.source(base.source() + (tlsFlag || f.server().isPresent() || f.token().isPresent() || f.tokenFile().isPresent()
        ? " + flags" : "")).build();
  }

  private static TlsSettings tls(TlsSettings base, ConfigFlags f) {
    TlsSettings.Builder t = base.toBuilder();
    f.certificateAuthority().ifPresent(t::caFile);
    if (f.insecureSkipTlsVerify()) {
      // kubectl: --insecure-skip-tls-verify drops the CA rather than failing on the combination
      t.caFile(null).insecureSkipTlsVerify(true);
    }
    f.tlsServerName().ifPresent(t::serverName);
    if (f.clientCertificate().isPresent() != f.clientKey().isPresent()) {
      throw new ConfigException("flags", "--client-certificate", "and --client-key must be given together");
    }
    if (f.clientCertificate().isPresent()) {
      t.clientCertificate(ClientCertificate.fromPem(read(f.clientCertificate().get()), read(f.clientKey().get()),
          "flags", "--client-certificate " + f.clientCertificate().get(), "--client-key " + f.clientKey().get()));
    }
    return t.build();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new ConfigException(p.toString(), null, "cannot be read: " + e.getMessage());
    }
  }
}
