package dev.kapi.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Picks a kubeconfig user's credential, in client-go's order of precedence for the {@code Authorization} header:
 * a bearer token ({@code tokenFile}, re-read when it changes, wins over an inline {@code token}, as in client-go),
 * else basic auth, else the exec plugin, which is never run when a client certificate is configured (as in
 * client-go). A client certificate is independent and may come with a token or basic auth; an exec plugin that
 * returns a certificate is presented through a dynamic {@link ClientCertificate}.
 */
final class UserCredentials {

  private UserCredentials() {
  }

  static Credentials credentials(KubeconfigUser u, ExecClusterInfo cluster, ExecEnvironment exec) {
    if (!u.impersonation().isEmpty()) {
      throw new ConfigException(u.source(), u.field(u.impersonation().get(0)), "asks for impersonation, which kapi "
          + "does not support: remove " + String.join(", ", u.impersonation()) + " or use kubectl");
    }
    if (u.authProvider().isPresent()) {
      if (u.exec().isPresent()) {
        throw new ConfigException(u.source(), u.field("auth-provider"), "cannot be combined with an exec plugin");
      }
      throw AuthProviders.unsupported(u, u.authProvider().get());
    }
    if (u.token().isPresent() && u.token().get().isBlank()) {
      throw new ConfigException(u.source(), u.field("token"), "is empty");
    }
    boolean bearer = u.token().isPresent() || u.tokenFile().isPresent();
    boolean basic = u.username().isPresent() || u.password().isPresent();
    if (bearer && basic) {
      throw new ConfigException(u.source(), u.field(u.tokenFile().isPresent() ? "tokenFile" : "token"),
          "and username/password are both set: only one authentication method is allowed (as in kubectl)");
    }
    if (u.tokenFile().isPresent()) {
      Path p = u.tokenFile().get();
      TokenFile tf = new TokenFile(p);
      try {
        tf.authorization(); // a missing or empty file fails now, naming the field
      } catch (ConfigException e) {
        throw new ConfigException(u.source(), u.field("tokenFile"), "names " + p + ", which " + e.problem());
      }
      return tf;
    }
    if (u.token().isPresent()) {
      return new StaticToken(u.token().get());
    }
    if (basic) {
      return new BasicAuth(u.username().orElse(""), u.password().orElse(""));
    }
    if (u.exec().isPresent() && (u.clientCertificate().isPresent() || u.clientCertificateData().isPresent())) {
      // client-go's exec authenticator steps aside for a configured client certificate and never runs the plugin
      return Credentials.none();
    }
    if (u.exec().isPresent()) {
      String field = u.field("exec");
      ExecPlugin plugin = new ExecPlugin(u.exec().get(), Optional.of(cluster), exec.env(), exec.stdinIsTerminal(),
          u.source(), field);
      return new ExecCredentials(plugin, exec.clock());
    }
    return Credentials.none();
  }

  static Optional<ClientCertificate> clientCertificate(KubeconfigUser u, Credentials chosen) {
    boolean certFile = u.clientCertificate().isPresent();
    boolean certData = u.clientCertificateData().isPresent();
    boolean keyFile = u.clientKey().isPresent();
    boolean keyData = u.clientKeyData().isPresent();
    String certField = u.field("client-certificate");
    String keyField = u.field("client-key");
    if (certFile && certData) {
      throw new ConfigException(u.source(), u.field("client-certificate-data"), "and client-certificate are both set: choose one");
    }
    if (keyFile && keyData) {
      throw new ConfigException(u.source(), u.field("client-key-data"), "and client-key are both set: choose one");
    }
    if ((certFile || certData) && !(keyFile || keyData)) {
      throw new ConfigException(u.source(), certData ? u.field("client-certificate-data") : certField,
          "is set without client-key or client-key-data");
    }
    if ((keyFile || keyData) && !(certFile || certData)) {
      throw new ConfigException(u.source(), keyData ? u.field("client-key-data") : keyField,
          "is set without client-certificate or client-certificate-data");
    }
    if (certFile && keyFile) {
      return Optional.of(ClientCertificate.fromFiles(u.clientCertificate().get(), u.clientKey().get(), u.source(),
          certField, keyField));
    }
    if (certFile || certData) {
      String cert = certData ? u.clientCertificateData().get() : read(u.clientCertificate().get(), u, certField);
      String key = keyData ? u.clientKeyData().get() : read(u.clientKey().get(), u, keyField);
      return Optional.of(ClientCertificate.fromPem(cert, key, u.source(),
          certData ? u.field("client-certificate-data") : certField, keyData ? u.field("client-key-data") : keyField));
    }
    if (chosen instanceof ExecCredentials exec) {
      // inside a TLS handshake, which never waits for the plugin: a request's authorization() (or its non-waiting
      // form) has run it before its connection is made; until then, or if it fails, no certificate is presented
      return Optional.of(ClientCertificate.dynamic(exec::keyMaterialWithoutWaiting, "client certificate from "
          + exec.describe()));
    }
    return Optional.empty();
  }

  private static String read(Path p, KubeconfigUser u, String field) {
    try {
      return Files.readString(p);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(u.source(), field, "names " + p + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(u.source(), field, "names " + p + ", which cannot be read: " + e.getClass().getSimpleName());
    }
  }
}
