package dev.kapi.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The connection flags kubectl takes, as one immutable value: each one set overrides what kubeconfig or the
 * in-cluster config says. Empty means "not given on the command line".
 */
public record ConfigFlags(
    Optional<Path> kubeconfig,
    Optional<String> context,
    Optional<String> cluster,
    Optional<String> user,
    Optional<String> namespace,
    Optional<String> server,
    Optional<String> token,
    Optional<Path> tokenFile,
    Optional<Path> certificateAuthority,
    Optional<Path> clientCertificate,
    Optional<Path> clientKey,
    Optional<String> tlsServerName,
    boolean insecureSkipTlsVerify,
    Optional<String> userAgent) {

  public static ConfigFlags none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when a flag names the server or credentials directly (enough to connect without any file). */
  public boolean hasServer() {
    return server.isPresent();
  }

  /** The same flags with the token read from {@code file} instead of given as a value. */
  public ConfigFlags withTokenFile(Path file) {
    return new ConfigFlags(kubeconfig, context, cluster, user, namespace, server, Optional.empty(), Optional.of(file),
        certificateAuthority, clientCertificate, clientKey, tlsServerName, insecureSkipTlsVerify, userAgent);
  }

  @Override
  public String toString() {
    return "ConfigFlags{kubeconfig=" + kubeconfig.orElse(null) + ", context=" + context.orElse(null) + ", server="
        + server.orElse(null) + ", token=" + token.map(t -> "REDACTED").orElse(null) + ", tokenFile="
        + tokenFile.orElse(null) + ", certificateAuthority=" + certificateAuthority.orElse(null)
        + ", insecureSkipTlsVerify=" + insecureSkipTlsVerify + "}";
  }

  /** Builder; nulls mean "not given". */
  public static final class Builder {
    private Path kubeconfig;
    private String context;
    private String cluster;
    private String user;
    private String namespace;
    private String server;
    private String token;
    private Path tokenFile;
    private Path certificateAuthority;
    private Path clientCertificate;
    private Path clientKey;
    private String tlsServerName;
    private boolean insecureSkipTlsVerify;
    private String userAgent;

    public Builder kubeconfig(Path v) {
      kubeconfig = v;
      return this;
    }

    public Builder context(String v) {
      context = v;
      return this;
    }

    public Builder cluster(String v) {
      cluster = v;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder namespace(String v) {
      namespace = v;
      return this;
    }

    public Builder server(String v) {
      server = v;
      return this;
    }

    public Builder token(String v) {
      token = v;
      return this;
    }

    public Builder tokenFile(Path v) {
      tokenFile = v;
      return this;
    }

    public Builder certificateAuthority(Path v) {
      certificateAuthority = v;
      return this;
    }

    public Builder clientCertificate(Path v) {
      clientCertificate = v;
      return this;
    }

    public Builder clientKey(Path v) {
      clientKey = v;
      return this;
    }

    public Builder tlsServerName(String v) {
      tlsServerName = v;
      return this;
    }

    public Builder insecureSkipTlsVerify(boolean v) {
      insecureSkipTlsVerify = v;
      return this;
    }

    public Builder userAgent(String v) {
      userAgent = v;
      return this;
    }

    public ConfigFlags build() {
      return new ConfigFlags(opt(kubeconfig), opt(context), opt(cluster), opt(user), opt(namespace), opt(server), opt(token),
          opt(tokenFile), opt(certificateAuthority), opt(clientCertificate), opt(clientKey), opt(tlsServerName),
          insecureSkipTlsVerify, opt(userAgent));
    }

    private static <T> Optional<T> opt(T v) {
      return v instanceof String s && s.isEmpty() ? Optional.empty() : Optional.ofNullable(v);
    }
  }
}
