package dev.kapi.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How to talk TLS to the API server: whom to trust (a CA file that may rotate, inline CA data, the system roots,
 * or nobody checked at all when insecure), the server name to verify and send as SNI, and an optional client
 * certificate. Immutable; the trust manager it hands out reloads a CA file by itself.
 *
 * <p>The trust manager does the identity check itself (against {@code serverName} or the host dialled), so
 * callers need no endpoint identification of their own; Netty and {@code java.net.http} both work with it.
 */
public final class TlsSettings {

  private final X509ExtendedTrustManager trust;
  private final Optional<ClientCertificate> clientCertificate;
  private final Optional<String> serverName;
  private final boolean insecure;
  private final String trustDescription;
  private final Builder sources;

  private TlsSettings(X509ExtendedTrustManager trust, Optional<ClientCertificate> clientCertificate,
      Optional<String> serverName, boolean insecure, String trustDescription, Builder sources) {
    this.sources = sources;
    this.trust = trust;
    this.clientCertificate = clientCertificate;
    this.serverName = serverName;
    this.insecure = insecure;
    this.trustDescription = trustDescription;
  }

  /** Trust the CA bundle in {@code caFile}, re-read when the file changes. Fails now if it is missing or bad. */
  public static TlsSettings trustCaFile(Path caFile) {
    return new Builder().caFile(caFile).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding the same sources, to change one setting (a flag over a kubeconfig value). */
  public Builder toBuilder() {
    return sources.copy();
  }

  public X509ExtendedTrustManager trustManager() {
    return trust;
  }

  public Optional<X509ExtendedKeyManager> keyManager() {
    return clientCertificate.map(c -> c);
  }

  public Optional<ClientCertificate> clientCertificate() {
    return clientCertificate;
  }

  /** {@code tls-server-name}: verified against the certificate and sent as SNI instead of the dialled host. */
  public Optional<String> serverName() {
    return serverName;
  }

  public boolean insecureSkipTlsVerify() {
    return insecure;
  }

  /** Re-reads of a rotated CA file since start (0 when the CA is not a file). */
  public long caReloads() {
    return trust instanceof ServerTrust s ? s.reloads() : 0;
  }

  /** Loads the CA now (re-reading a changed file) and says how many CA certificates are in force; throws if unusable. */
  public int checkCa() {
    return trust instanceof ServerTrust s ? s.caCertificates() : 0;
  }

  /** A fresh {@link SSLContext} for {@code java.net.http} (TLS 1.2+), using this trust and client certificate. */
  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(clientCertificate.map(c -> new KeyManager[] {c}).orElse(null), new TrustManager[] {trust}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise TLS", e);
    }
  }

  /**
   * TLS parameters for {@code java.net.http} ({@code HttpClient.Builder.sslParameters}): sends {@code tls-server-name}
   * as SNI when the server is dialled by IP address (with a host name in the URL, the JDK sends that instead; the
   * trust manager verifies against {@code tls-server-name} either way).
   */
  public SSLParameters sslParameters() {
    SSLParameters p = new SSLParameters();
    serverName.filter(n -> !HostnameMatcher.isIpLiteral(n)).ifPresent(n -> p.setServerNames(List.of(new SNIHostName(n))));
    return p;
  }

  public String describe() {
    // the trust's own description names the server name it verifies; only an insecure one has none to say it
    String s = insecure ? "insecure (server certificate NOT verified)" + serverName.map(n -> ", server name " + n)
        .orElse("") : "trust " + trustDescription;
    return s + clientCertificate.map(c -> ", " + c.describe()).orElse("");
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Set-once builder; {@link #build()} validates and loads the CA. */
  public static final class Builder {
    private Path caFile;
    private String caPem;
    private String caSource;
    private String caField;
    private ClientCertificate clientCertificate;
    private String serverName;
    private boolean insecure;

    public Builder caFile(Path file) {
      this.caFile = file;
      this.caPem = null;
      return this;
    }

    Builder copy() {
      Builder b = new Builder();
      b.caFile = caFile;
      b.caPem = caPem;
      b.caSource = caSource;
      b.caField = caField;
      b.clientCertificate = clientCertificate;
      b.serverName = serverName;
      b.insecure = insecure;
      return b;
    }

    /** Inline CA data ({@code certificate-authority-data}); source and field are for error messages. */
    public Builder caPem(String pem, String source, String field) {
      this.caPem = pem;
      this.caFile = null;
      this.caSource = source;
      this.caField = field;
      return this;
    }

    public Builder insecureSkipTlsVerify(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    public Builder serverName(String name) {
      this.serverName = name == null || name.isBlank() ? null : name;
      return this;
    }

    public Builder clientCertificate(ClientCertificate certificate) {
      this.clientCertificate = certificate;
      return this;
    }

    public TlsSettings build() {
      if (insecure && (caFile != null || caPem != null)) {
        throw new ConfigException(caSource != null ? caSource : String.valueOf(caFile), "insecure-skip-tls-verify",
            "cannot be combined with a certificate authority: choose one");
      }
      Optional<String> sni = Optional.ofNullable(serverName);
      X509ExtendedTrustManager tm;
      String desc;
      if (insecure) {
        tm = new InsecureTrust();
        desc = "nobody";
      } else if (caFile != null) {
        ServerTrust st = ServerTrust.caFile(caFile, sni);
        tm = st;
        desc = st.describe();
      } else if (caPem != null) {
        ServerTrust st = ServerTrust.caPem(caPem, caSource, caField, sni);
        tm = st;
        desc = st.describe();
      } else {
        ServerTrust st = ServerTrust.systemRoots(sni);
        tm = st;
        desc = st.describe();
      }
      return new TlsSettings(tm, Optional.ofNullable(clientCertificate), sni, insecure, desc, copy());
    }
  }
}
