package dev.kapi.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a resolved cluster and user (from a kubeconfig, the in-cluster files, or flags alone, with flags already
 * applied) into a {@link ClusterConfig}: server URL, proxy, TLS trust, client certificate and the credential. The
 * checks kubectl makes when it uses an entry ({@code validateClusterInfo}, {@code validateAuthInfo}) happen here,
 * each failure naming the file and field.
 */
final class ConfigAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigAssembler.class);

  private ConfigAssembler() {
  }

  static ClusterConfig build(KubeconfigCluster cluster, KubeconfigUser user, String namespace, String source,
      ConfigFlags flags, ExecEnvironment exec) {
    String serverValue = cluster.server().orElseThrow(() -> cluster.name().isEmpty()
        ? new ConfigException(source, null, "selects no cluster, so no server: name a cluster in the context, "
            + "or pass --cluster or --server")
        : new ConfigException(cluster.source(), cluster.field("server"), "is missing"));
    boolean tlsHinted = cluster.certificateAuthority().isPresent() || cluster.certificateAuthorityData().isPresent()
        || cluster.insecureSkipTlsVerify() || cluster.tlsServerName().isPresent()
        || user.clientCertificate().isPresent() || user.clientCertificateData().isPresent();
    URI server = ServerUrl.parse(serverValue, tlsHinted, cluster.source(), cluster.field("server"));
    Optional<URI> proxy = cluster.proxyUrl().map(p -> ProxyUrl.parse(p, cluster.source(), cluster.field("proxy-url")))
        .or(() -> EnvironmentProxy.forServer(exec.env(), server));

    Credentials credentials = Credentials.none();
    Optional<ClientCertificate> clientCertificate = Optional.empty();
    if ("https".equals(server.getScheme())) {
      ExecClusterInfo info = new ExecClusterInfo(serverValue, cluster.tlsServerName(), cluster.insecureSkipTlsVerify(),
          cluster.certificateAuthorityData(), cluster.certificateAuthority(), cluster.proxyUrl(), cluster.execConfig());
      credentials = UserCredentials.credentials(user, info, exec);
      clientCertificate = UserCredentials.clientCertificate(user, credentials);
    } else if (!user.methods().isEmpty()) {
      // kubectl reads user credentials only for TLS connections: never send them in clear text
      LOG.warn("{}: server {} is plain http, so the credentials of {} are not sent", cluster.source(), server,
          user.name().isEmpty() ? "the flags" : "users[" + user.name() + "]");
    }

    return ClusterConfig.builder()
        .server(server)
        .tls(tls(cluster, clientCertificate.orElse(null)))
        .credentials(credentials)
        .namespace(namespace)
        .userAgent(flags.userAgent().orElse(null))
        .proxy(proxy.orElse(null))
        .source(source)
        .build();
  }

  static TlsSettings tls(KubeconfigCluster c, ClientCertificate clientCertificate) {
    if (c.certificateAuthority().isPresent() && c.certificateAuthorityData().isPresent()) {
      throw new ConfigException(c.source(), c.field("certificate-authority-data"),
          "and certificate-authority are both set: choose one");
    }
    if (c.insecureSkipTlsVerify() && (c.certificateAuthority().isPresent() || c.certificateAuthorityData().isPresent())) {
      throw new ConfigException(c.source(), c.field("insecure-skip-tls-verify"), "is true while a certificate authority "
          + "is also set: choose one (kubectl refuses the combination too)");
    }
    TlsSettings.Builder b = TlsSettings.builder()
        .insecureSkipTlsVerify(c.insecureSkipTlsVerify())
        .serverName(c.tlsServerName().orElse(null))
        .clientCertificate(clientCertificate);
    c.certificateAuthorityData().ifPresent(pem -> b.caPem(pem, c.source(), c.field("certificate-authority-data")));
    if (c.certificateAuthority().isPresent()) {
      Path ca = c.certificateAuthority().get();
      String field = c.field("certificate-authority");
      if (!Files.exists(ca)) {
        throw new ConfigException(c.source(), field, "names " + ca + ", which does not exist");
      }
      b.caFile(ca);
      try {
        return b.build();
      } catch (ConfigException e) {
        throw new ConfigException(c.source(), field, "names " + ca + ", which " + e.problem(), e);
      }
    }
    return b.build();
  }
}
