package dev.kapi.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM certificates and private keys as Kubernetes hands them out: RSA in PKCS#1 or PKCS#8, EC in SEC1 or
 * PKCS#8. Errors name the source and field, never the content.
 */
public final class Pem {

  /** Key algorithms Go's crypto/tls (and so the API server's peers) accept for client certificates. */
  private static final Set<String> SUPPORTED_KEYS = Set.of("RSA", "EC", "Ed25519", "EdDSA");

  private Pem() {
  }

  public static List<X509Certificate> certificates(String pem, String source, String field) {
    if (pem == null || pem.isBlank()) {
      throw new ConfigException(source, field, "is empty");
    }
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException(source, field, "holds no PEM certificate (no BEGIN CERTIFICATE block)");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new ConfigException(source, field, "holds no certificate");
      }
      return List.copyOf(out);
    } catch (CertificateException e) {
      throw new ConfigException(source, field, "is not a valid PEM certificate: " + e.getMessage());
    }
  }

  public static PrivateKey privateKey(String pem, String source, String field) {
    if (pem == null || pem.isBlank()) {
      throw new ConfigException(source, field, "is empty");
    }
    PrivateKey key = parseKey(pem, source, field);
    String alg = key.getAlgorithm();
    if (!SUPPORTED_KEYS.contains(alg)) {
      throw new ConfigException(source, field, "is a " + alg + " private key; Kubernetes clients accept RSA, EC or Ed25519 keys");
    }
    return key;
  }

  /**
   * Fails unless {@code key} belongs to the certificate (Go's {@code tls.X509KeyPair} check): a mismatched pair
   * would otherwise fail later, during a handshake, with a far less helpful message.
   */
  public static void requireMatch(X509Certificate certificate, PrivateKey key, String source, String certField,
      String keyField) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
    try {
      byte[] probe = "kapi key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException | IllegalArgumentException mismatch) {
      // a key of another type than the certificate's public key lands here
    }
    throw new ConfigException(source, keyField, "does not match the certificate in " + certField
        + " (" + certificate.getSubjectX500Principal().getName() + ")");
  }

  private static PrivateKey parseKey(String pem, String source, String field) {
    if (!pem.contains("-----BEGIN ")) {
      throw new ConfigException(source, field, "holds no PEM private key (no BEGIN ... PRIVATE KEY block)");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          // SEC1 keys may omit the public key (Go accepts that): the private part is all we need
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
          throw new ConfigException(source, field, "is an encrypted private key, which Kubernetes clients do not support");
        }
        // EC PARAMETERS blocks, certificates and the like may precede the key: skip them
      }
    } catch (ConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(source, field, "is not a valid PEM private key (" + e.getClass().getSimpleName() + ")", e);
    }
    throw new ConfigException(source, field, "holds no PEM private key (RSA or EC, PKCS#1, SEC1 or PKCS#8)");
  }
}
