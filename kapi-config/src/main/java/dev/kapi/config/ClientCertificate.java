package dev.kapi.config;

import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client certificate presented to the API server: fixed (kubeconfig {@code client-certificate-data} and
 * {@code client-key-data}), re-read when its files change ({@code client-certificate}/{@code client-key}), or
 * supplied afresh for each handshake (an exec plugin's certificate that expires).
 *
 * <p>One handshake asks for the alias, then the chain, then the key. Each version of the material gets its own
 * alias, so a renewal between those calls can never pair one certificate with another's key.
 */
public final class ClientCertificate extends X509ExtendedKeyManager {

  /** One certificate chain with its private key. */
  public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {
    public KeyMaterial {
      chain = List.copyOf(chain);
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "KeyMaterial{" + chain.get(0).getSubjectX500Principal().getName() + ", key " + key.getAlgorithm() + "}";
    }
  }

  private static final String ALIAS = "kapi-client";
  private static final int REMEMBERED = 4;

  private final Supplier<KeyMaterial> material;
  private final String description;
  private final AtomicLong versions = new AtomicLong();
  private final Map<String, KeyMaterial> recent = new LinkedHashMap<>();

  private ClientCertificate(Supplier<KeyMaterial> material, String description) {
    this.material = material;
    this.description = description;
  }

  /** From PEM text; {@code source} names where it came from, for error messages. Key and certificate must match. */
  public static ClientCertificate fromPem(String certPem, String keyPem, String source, String certField, String keyField) {
    KeyMaterial m = material(certPem, keyPem, source, certField, keyField);
    return new ClientCertificate(() -> m, "client certificate " + m.chain().get(0).getSubjectX500Principal().getName());
  }

  /**
   * From two files, checked (one {@code stat} each) at every handshake and re-read when either changed, so a renewed
   * certificate is used on the next new connection. A half-written pair (certificate renewed, key not yet) keeps the
   * previous pair in use. Fails now if the files are missing or do not hold a matching pair.
   */
  public static ClientCertificate fromFiles(Path certFile, Path keyFile, String source, String certField, String keyField) {
    ClientCertificateFiles files = new ClientCertificateFiles(certFile, keyFile, source, certField, keyField);
    KeyMaterial first = files.get();
    return new ClientCertificate(files, "client certificate " + first.chain().get(0).getSubjectX500Principal().getName()
        + " from " + certFile);
  }

  /**
   * Asked again for every handshake, so a renewed certificate is used on the next new connection. The supplier may
   * return null: no certificate is presented then (an exec plugin that currently returns a token).
   */
  public static ClientCertificate dynamic(Supplier<KeyMaterial> material, String description) {
    return new ClientCertificate(material, description);
  }

  static KeyMaterial material(String certPem, String keyPem, String source, String certField, String keyField) {
    List<X509Certificate> chain = Pem.certificates(certPem, source, certField);
    PrivateKey key = Pem.privateKey(keyPem, source, keyField);
    Pem.requireMatch(chain.get(0), key, source, certField, keyField);
    return new KeyMaterial(chain, key);
  }

  public String describe() {
    return description;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return choose(keyType);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial m = lookup(alias);
    return m == null ? null : m.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial m = lookup(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = choose(keyType == null ? null : new String[] {keyType});
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  private String choose(String[] keyTypes) {
    KeyMaterial m = material.get();
    if (m == null || !offered(keyTypes, m.key().getAlgorithm())) {
      return null;
    }
    synchronized (recent) {
      for (Map.Entry<String, KeyMaterial> e : recent.entrySet()) {
        if (e.getValue() == m) {
          return e.getKey();
        }
      }
      String alias = ALIAS + "-" + versions.incrementAndGet();
      recent.put(alias, m);
      if (recent.size() > REMEMBERED) {
        recent.remove(recent.keySet().iterator().next());
      }
      return alias;
    }
  }

  private KeyMaterial lookup(String alias) {
    synchronized (recent) {
      KeyMaterial m = recent.get(alias);
      if (m != null) {
        return m;
      }
    }
    return alias != null && alias.startsWith(ALIAS) ? material.get() : null;
  }

  /** The JDK asks per signature scheme with key types like "RSA", "EC", "EdDSA" (older paths: "EC_EC"). */
  private static boolean offered(String[] keyTypes, String algorithm) {
    if (keyTypes == null || keyTypes.length == 0) {
      return true;
    }
    for (String t : keyTypes) {
      if (t == null) {
        continue;
      }
      if (t.equalsIgnoreCase(algorithm) || t.startsWith(algorithm + "_")
          || (algorithm.startsWith("Ed") && (t.equals("EdDSA") || t.equals("Ed25519")))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return description;
  }
}
