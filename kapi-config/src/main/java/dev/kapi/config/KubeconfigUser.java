package dev.kapi.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kubeconfig {@code users[]} entry: how to prove who we are. Holds secrets, so {@link #toString()} names only
 * which methods are configured. Paths are resolved against the file that named them ({@code origin}).
 *
 * @param impersonation the impersonation fields set ({@code as}, {@code as-groups}...), which kapi refuses
 *                      rather than silently acting as a different identity
 */
record KubeconfigUser(String name, Path origin, Optional<String> token, Optional<Path> tokenFile,
    Optional<Path> clientCertificate, Optional<String> clientCertificateData, Optional<Path> clientKey,
    Optional<String> clientKeyData, Optional<String> username, Optional<String> password, Optional<ExecConfig> exec,
    Optional<AuthProvider> authProvider, List<String> impersonation) {

  /** {@code auth-provider}: name and config (the config holds tokens: never printed). */
  record AuthProvider(String name, Map<String, String> config) {
    @Override
    public String toString() {
      return "auth-provider " + name;
    }
  }

  static KubeconfigUser empty(String source) {
    return new KubeconfigUser("", Path.of(source), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());
  }

  static KubeconfigUser parse(String name, KubeconfigNode u) {
    u.requireObject();
    Optional<ExecConfig> exec = u.child("exec").present() ? Optional.of(ExecConfig.parse(u.child("exec"))) : Optional.empty();
    Optional<AuthProvider> provider = Optional.empty();
    KubeconfigNode ap = u.child("auth-provider").requireObject();
    if (ap.present()) {
      provider = Optional.of(new AuthProvider(ap.requiredString("name"), Map.copyOf(ap.stringMap("config"))));
    }
    List<String> impersonation = new ArrayList<>();
    for (String f : List.of("as", "as-uid", "as-groups", "as-user-extra")) {
      if (u.child(f).present()) {
        impersonation.add(f);
      }
    }
    u.stringList("as-groups"); // type-checked like the rest
    return new KubeconfigUser(name, u.file(), u.rawString("token"), u.path("tokenFile"), u.path("client-certificate"),
        u.base64("client-certificate-data"), u.path("client-key"), u.base64("client-key-data"), u.string("username"),
        u.string("password"), exec, provider, List.copyOf(impersonation));
  }

  String field(String key) {
    return name.isEmpty() ? key : "users[" + name + "]." + key;
  }

  String source() {
    return origin.toString();
  }

  KubeconfigUser withBearer(Optional<String> newToken, Optional<Path> newTokenFile) {
    return new KubeconfigUser(name, origin, newToken, newTokenFile, clientCertificate, clientCertificateData, clientKey,
        clientKeyData, username, password, exec, authProvider, impersonation);
  }

  KubeconfigUser withClientCertificateFiles(Path cert, Path key) {
    return new KubeconfigUser(name, origin, token, tokenFile, Optional.of(cert), Optional.empty(), Optional.of(key),
        Optional.empty(), username, password, exec, authProvider, impersonation);
  }

  /** The methods configured, for messages and logs; never their values. */
  List<String> methods() {
    List<String> m = new ArrayList<>();
    token.ifPresent(t -> m.add("token"));
    tokenFile.ifPresent(t -> m.add("tokenFile"));
    if (clientCertificate.isPresent() || clientCertificateData.isPresent()) {
      m.add("client certificate");
    }
    if (username.isPresent() || password.isPresent()) {
      m.add("username/password");
    }
    exec.ifPresent(e -> m.add("exec"));
    authProvider.ifPresent(a -> m.add("auth-provider " + a.name()));
    return m;
  }

  @Override
  public String toString() {
    return "KubeconfigUser{name=" + name + ", origin=" + origin + ", methods=" + methods() + "}";
  }
}
