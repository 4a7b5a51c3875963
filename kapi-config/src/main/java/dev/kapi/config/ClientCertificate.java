package dev.kapi.config;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client certificate presented to the API server: fixed (kubeconfig {@code client-certificate(-data)} and
 * {@code client-key(-data)}) or supplied afresh for each handshake (an exec plugin's certificate that expires).
 */
public final class ClientCertificate extends X509ExtendedKeyManager {

  /** One certificate chain with its private key. */
  public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {
  }

  private static final String ALIAS = "kapi-client";
  private final Supplier<KeyMaterial> material;
  private final String description;

  private ClientCertificate(Supplier<KeyMaterial> material, String description) {
    this.material = material;
    this.description = description;
  }

  /** From PEM text; {@code source} names where it came from, for error messages. */
  public static ClientCertificate fromPem(String certPem, String keyPem, String source, String certField, String keyField) {
    KeyMaterial m = new KeyMaterial(Pem.certificates(certPem, source, certField), Pem.privateKey(keyPem, source, keyField));
    return new ClientCertificate(() -> m, "client certificate " + m.chain().get(0).getSubjectX500Principal().getName());
  }

  /** Asked again for every handshake, so a renewed certificate is used on the next new connection. */
  public static ClientCertificate dynamic(Supplier<KeyMaterial> material, String description) {
    return new ClientCertificate(material, description);
  }

  public String describe() {
    return description;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return material.get().chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return material.get().key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String toString() {
    return description;
  }
}
