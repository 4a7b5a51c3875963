package dev.kapi.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM certificates and private keys as Kubernetes hands them out: RSA in PKCS#1 or PKCS#8, EC in SEC1 or
 * PKCS#8. Errors name the source and field, never the content.
 */
public final class Pem {

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
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) {
          throw new ConfigException(source, field, "is an encrypted private key, which Kubernetes clients do not support");
        }
        // EC PARAMETERS blocks and the like precede the key: skip them
      }
      throw new ConfigException(source, field, "holds no PEM private key (RSA or EC, PKCS#1, SEC1 or PKCS#8)");
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException(source, field, "is not a valid PEM private key: " + e.getClass().getSimpleName());
    }
  }
}
