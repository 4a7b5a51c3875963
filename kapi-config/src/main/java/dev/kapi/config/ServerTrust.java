package dev.kapi.config;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether to trust the API server: chain to the configured CA, validity dates, then the server's
 * identity against {@code tls-server-name} or the host dialled. Each failure says which check failed.
 *
 * <p>A CA file is re-read when it changes (one {@code stat} per handshake, and handshakes are rare), so a
 * rotated {@code ca.crt} applies to the next new connection without a restart. A changed file that holds no usable
 * certificate is logged and the previous bundle kept; established connections are never re-checked.
 */
final class ServerTrust extends X509ExtendedTrustManager {

  private static final Logger LOG = LoggerFactory.getLogger(ServerTrust.class);

  private record Loaded(FileIdentity identity, X509TrustManager delegate, int certificates) {
  }

  private final Path caFile;          // reloadable source, or null
  private final String caDescription;
  private final Optional<String> serverName;
  private final AtomicLong reloads = new AtomicLong();
  private volatile Loaded loaded;
  private volatile FileIdentity rejected;

  private ServerTrust(Path caFile, Loaded fixed, String caDescription, Optional<String> serverName) {
    this.caFile = caFile;
    this.loaded = fixed;
    this.caDescription = caDescription;
    this.serverName = serverName;
  }

  static ServerTrust caFile(Path file, Optional<String> serverName) {
    ServerTrust t = new ServerTrust(file, null, file.toString(), serverName);
    t.current(); // fail now, not at the first handshake, when the file is bad
    return t;
  }

  static ServerTrust caPem(String pem, String source, String field, Optional<String> serverName) {
    List<X509Certificate> certs = Pem.certificates(pem, source, field);
    return new ServerTrust(null, new Loaded(null, delegateFor(certs), certs.size()), source + " " + field, serverName);
  }

  static ServerTrust systemRoots(Optional<String> serverName) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
      return new ServerTrust(null, new Loaded(null, tm, tm.getAcceptedIssuers().length), "the system's trusted roots", serverName);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default trust store", e);
    }
  }

  /** How many times the CA file was re-read after it changed (for metrics). */
  long reloads() {
    return reloads.get();
  }

  /** The number of CA certificates in force now; loads the file if it changed. */
  int caCertificates() {
    return current().certificates();
  }

  String describe() {
    return caDescription + serverName.map(n -> ", server name " + n).orElse("");
  }

  private Loaded current() {
    if (caFile == null) {
      return loaded;
    }
    FileIdentity id;
    try {
      id = FileIdentity.of(caFile);
    } catch (IOException e) {
      Loaded l = loaded;
      if (l != null) {
        return l; // keep trusting the last good bundle while the file is briefly away
      }
      throw new ConfigException(caFile.toString(), null, e instanceof java.nio.file.NoSuchFileException
          ? "does not exist" : "cannot be read: " + e.getMessage());
    }
    Loaded l = loaded;
    if (l != null && id.equals(l.identity())) {
      return l;
    }
    synchronized (this) {
      if (loaded != null && id.equals(loaded.identity())) {
        return loaded;
      }
      if (loaded != null && id.equals(rejected)) {
        return loaded; // this version was already found unusable: don't re-parse it per handshake
      }
      try {
        String pem;
        try {
          pem = Files.readString(caFile);
        } catch (IOException e) {
          throw new ConfigException(caFile.toString(), null, "cannot be read: " + e.getMessage());
        }
        List<X509Certificate> certs = Pem.certificates(pem, caFile.toString(), null);
        if (loaded != null) {
          reloads.incrementAndGet();
          LOG.info("CA bundle {} changed: {} certificate(s) now trusted for new connections", caFile, certs.size());
        }
        loaded = new Loaded(id, delegateFor(certs), certs.size());
        return loaded;
      } catch (ConfigException e) {
        if (loaded == null) {
          throw e;
        }
        rejected = id;
        LOG.warn("keeping the previous CA bundle: the changed {} is not usable: {}", caFile, e.getMessage());
        return loaded;
      }
    }
  }

  private static X509TrustManager delegateFor(List<X509Certificate> certs) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        ks.setCertificateEntry("ca-" + i, certs.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  private void check(X509Certificate[] chain, String authType, String peerHost) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server sent no certificate");
    }
    try {
      chain[0].checkValidity();
    } catch (CertificateExpiredException e) {
      throw new CertificateExpiredException("the server certificate expired at " + chain[0].getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new CertificateNotYetValidException("the server certificate is not valid before " + chain[0].getNotBefore().toInstant());
    }
    Loaded l;
    try {
      l = current();
    } catch (ConfigException e) {
      throw new CertificateException("cannot load the CA bundle: " + e.getMessage());
    }
    try {
      l.delegate().checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw new CertificateException("the server certificate (" + chain[0].getSubjectX500Principal().getName()
          + ") is not signed by a CA in " + caDescription, e);
    }
    String expected = serverName.orElse(peerHost);
    if (expected == null || expected.isEmpty()) {
      throw new CertificateException("cannot verify the server's identity: no host name known for the connection");
    }
    String mismatch = HostnameMatcher.mismatch(chain[0], expected);
    if (mismatch != null) {
      throw new CertificateException(mismatch);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, authType, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null ? s.getHandshakeSession().getPeerHost() : null;
    check(chain, authType, host);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, authType, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("kapi does not accept client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("kapi does not accept client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("kapi does not accept client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current().delegate().getAcceptedIssuers();
  }
}
