package dev.kapi.config;

import dev.kapi.config.internal.MalformedKeyException;
import dev.kapi.config.internal.PemBlock;
import dev.kapi.config.internal.PrivateKeyDecoder;
import dev.kapi.config.internal.UnsupportedKeyException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM certificates and private keys as Kubernetes hands them out: RSA in PKCS#1 or PKCS#8, EC (P-256, P-384,
 * P-521) in SEC1 or PKCS#8, Ed25519 in PKCS#8, all unencrypted, as Go's {@code tls.X509KeyPair} reads them.
 * Keys are decoded by the small reader in {@code internal} rather than a crypto library: these shapes are all a
 * kubeconfig may hold. Errors name the source and field, never the content.
 */
public final class Pem {

  /** client-go refuses encrypted keys too: a kubeconfig has nowhere to put a passphrase. */
  private static final String ENCRYPTED = "is an encrypted private key, which Kubernetes clients do not support";

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
    // only RSA, EC and Ed25519 keys come out: the decoder refuses every other algorithm by name
    return parseKey(pem, source, field);
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
    try {
      for (PemBlock block : PemBlock.parseAll(pem)) {
        if (block.type().equals("ENCRYPTED PRIVATE KEY") || block.isTraditionallyEncrypted()) {
          throw new ConfigException(source, field, ENCRYPTED);
        }
        switch (block.type()) {
          case "RSA PRIVATE KEY":
            return PrivateKeyDecoder.pkcs1(block.der());
          case "EC PRIVATE KEY":
            return PrivateKeyDecoder.sec1(block.der());
          case "PRIVATE KEY":
            return PrivateKeyDecoder.pkcs8(block.der());
          case "DSA PRIVATE KEY":
            throw new ConfigException(source, field, PrivateKeyDecoder.unsupportedAlgorithm("a DSA"));
          default:
            if (block.type().endsWith("PRIVATE KEY")) {
              throw new ConfigException(source, field, "holds a " + PemBlock.printable(block.type())
                  + " block; Kubernetes clients read RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY");
            }
            // EC PARAMETERS (openssl ecparam -genkey writes it before the key), certificates and the like: skip
        }
      }
    } catch (MalformedKeyException e) {
      throw new ConfigException(source, field, "is not a valid PEM private key (" + e.getMessage() + ")");
    } catch (UnsupportedKeyException e) {
      throw new ConfigException(source, field, e.getMessage());
    }
    throw new ConfigException(source, field, "holds no PEM private key (RSA or EC, PKCS#1, SEC1 or PKCS#8)");
  }
}
