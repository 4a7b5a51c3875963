package dev.kapi.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away PKI for one test control plane: a CA, certificates it signs, and PEM output.
 * EC P-256 keys keep generation fast; the API server accepts them everywhere.
 */
public final class TestPki {

  /** A certificate with its key, as objects and as PEM. */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {
    public String certificatePem() {
      return pem(certificate);
    }

    /** PKCS#8 ("PRIVATE KEY"), which Go, OpenSSL and the JDK all read. */
    public String privateKeyPem() {
      return pem(new PemObject("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
    }

    public void write(Path certFile, Path keyFile) {
      writeString(certFile, certificatePem());
      writeString(keyFile, privateKeyPem());
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final AtomicLong serial = new AtomicLong(System.currentTimeMillis());
  private final Issued ca;

  private TestPki(String caName) {
    KeyPair caKey = newKeyPair();
    this.ca = new Issued(sign(name(caName, null), caKey, null, caKey, Duration.ofDays(30), true, List.of(), null), caKey);
  }

  public static TestPki create(String caName) {
    return new TestPki(caName);
  }

  public Issued ca() {
    return ca;
  }

  /** A TLS server certificate valid for the given DNS names and IP addresses. */
  public Issued server(String commonName, List<String> dnsNames, List<String> ips) {
    return server(commonName, dnsNames, ips, Duration.ofDays(30), Instant.now().minus(Duration.ofHours(1)));
  }

  /** A server certificate with an explicit validity window (for expired-certificate tests). */
  public Issued server(String commonName, List<String> dnsNames, List<String> ips, Duration validity, Instant notBefore) {
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    KeyPair key = newKeyPair();
    return new Issued(sign(name(commonName, null), key, ca, ca.keyPair(), validity, false, sans,
        KeyPurposeId.id_kp_serverAuth, notBefore), key);
  }

  /** A client certificate: Kubernetes reads the user from CN and the groups from O. */
  public Issued client(String user, String... groups) {
    KeyPair key = newKeyPair();
    return new Issued(sign(name(user, groups), key, ca, ca.keyPair(), Duration.ofDays(30), false, List.of(),
        KeyPurposeId.id_kp_clientAuth), key);
  }

  public KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static void writeString(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X500Name name(String cn, String[] orgs) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    if (orgs != null) {
      for (String o : orgs) {
        b.addRDN(BCStyle.O, o);
      }
    }
    b.addRDN(BCStyle.CN, cn);
    return b.build();
  }

  private X509Certificate sign(X500Name subject, KeyPair subjectKey, Issued issuer, KeyPair issuerKey, Duration validity,
      boolean isCa, List<GeneralName> sans, KeyPurposeId purpose) {
    return sign(subject, subjectKey, issuer, issuerKey, validity, isCa, sans, purpose, Instant.now().minus(Duration.ofHours(1)));
  }

  private X509Certificate sign(X500Name subject, KeyPair subjectKey, Issued issuer, KeyPair issuerKey, Duration validity,
      boolean isCa, List<GeneralName> sans, KeyPurposeId purpose, Instant notBefore) {
    try {
      X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(serial.incrementAndGet()),
          Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, subjectKey.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey.getPublic()));
      if (issuer != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.certificate()));
      }
      b.addExtension(Extension.keyUsage, true, isCa
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (purpose != null) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue test certificate for " + subject, e);
    }
  }

  static boolean isIp(String s) {
    try {
      return s.matches("[0-9.]+|.*:.*") && InetAddress.getByName(s) != null;
    } catch (IOException e) {
      return false;
    }
  }
}
