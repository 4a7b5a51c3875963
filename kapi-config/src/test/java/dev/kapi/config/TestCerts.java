package dev.kapi.config;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys and certificates in every PEM shape Kubernetes tooling produces, for tests. */
final class TestCerts {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A CA or leaf: certificate and key pair. */
  record Issued(X509Certificate certificate, KeyPair keyPair) {
    String certificatePem() {
      return pem(certificate);
    }

    /** PKCS#8 "PRIVATE KEY". */
    String pkcs8() {
      return TestCerts.pkcs8(keyPair.getPrivate());
    }

    /** Traditional OpenSSL: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1, with curve and public key as openssl writes it). */
    String traditional() {
      if (keyPair.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
        try {
          var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
          var spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
          var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
              spki.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
          return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return pem(keyPair.getPrivate());
    }
  }

  private TestCerts() {
  }

  static KeyPair rsa() {
    return generate("RSA", 2048);
  }

  static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair dsa() {
    return generate("DSA", 2048);
  }

  private static KeyPair generate(String alg, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Issued ca(String name) {
    KeyPair k = ec();
    return new Issued(sign(name(name), k, null, k.getPrivate(), true, List.of(), null), k);
  }

  /** A client certificate for {@code user} in {@code groups}, with the given key, signed by {@code ca}. */
  static Issued client(X509Certificate caCert, PrivateKey caKey, KeyPair key, String user, String... groups) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    for (String g : groups) {
      b.addRDN(BCStyle.O, g);
    }
    b.addRDN(BCStyle.CN, user);
    return new Issued(sign(b.build(), key, caCert, caKey, false, List.of(), KeyPurposeId.id_kp_clientAuth), key);
  }

  static Issued server(Issued ca, List<String> dns, List<String> ips) {
    KeyPair k = ec();
    List<GeneralName> sans = new java.util.ArrayList<>();
    dns.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    ips.forEach(i -> sans.add(new GeneralName(GeneralName.iPAddress, i)));
    return new Issued(sign(name("server"), k, ca.certificate(), ca.keyPair().getPrivate(), false, sans,
        KeyPurposeId.id_kp_serverAuth), k);
  }

  static String pkcs8(PrivateKey key) {
    return pem(new PemObject("PRIVATE KEY", key.getEncoded()));
  }

  static String encryptedPkcs8(PrivateKey key) {
    try {
      var enc = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
          .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("pw".toCharArray()).build();
      return pem(new JcaPKCS8Generator(key, enc));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static X500Name name(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKey, X509Certificate issuer, PrivateKey issuerKey,
      boolean isCa, List<GeneralName> sans, KeyPurposeId purpose) {
    try {
      X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      Instant now = Instant.now().minus(Duration.ofHours(1));
      var b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now),
          Date.from(now.plus(Duration.ofDays(2))), subject, subjectKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.keyUsage, true, isCa ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (purpose != null) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue test certificate", e);
    }
  }
}
