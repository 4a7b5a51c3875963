package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CA bundles that rotate, client certificates that renew, PEM shapes, server identity checks. */
class TrustAndCertificatesTest {

  @TempDir
  Path dir;

  @Test
  void aRotatedCaFileIsPickedUpAndABrokenOneIsIgnored() throws Exception {
    TestCerts.Issued a = TestCerts.ca("a");
    TestCerts.Issued b = TestCerts.ca("b");
    Path ca = Files.writeString(dir.resolve("ca.crt"), a.certificatePem());
    TlsSettings tls = TlsSettings.trustCaFile(ca);
    assertThat(tls.checkCa()).isEqualTo(1);

    Files.writeString(ca, a.certificatePem() + b.certificatePem()); // the kubelet's bundle during a CA rotation
    assertThat(tls.checkCa()).isEqualTo(2);
    assertThat(tls.caReloads()).isEqualTo(1);
    assertThat(tls.trustManager().getAcceptedIssuers()).hasSize(2);

    Files.writeString(ca, "not a certificate at all");
    assertThat(tls.checkCa()).isEqualTo(2);
    assertThat(tls.caReloads()).isEqualTo(1);

    Files.writeString(ca, b.certificatePem());
    assertThat(tls.checkCa()).isEqualTo(1);
    assertThat(tls.trustManager().getAcceptedIssuers()[0]).isEqualTo(b.certificate());
  }

  @Test
  void theServerNameIsDescribedOnce() {
    String trusted = TlsSettings.builder().serverName("kubernetes.default.svc").build().describe();
    assertThat(trusted.split("server name kubernetes.default.svc", -1)).as(trusted).hasSize(2);
    String insecure = TlsSettings.builder().insecureSkipTlsVerify(true).serverName("x").build().describe();
    assertThat(insecure).isEqualTo("insecure (server certificate NOT verified), server name x");
  }

  @Test
  void serverIdentityIsCheckedAgainstSubjectAltNamesOnly() {
    TestCerts.Issued ca = TestCerts.ca("ca");
    var cert = TestCerts.server(ca, List.of("kubernetes.default.svc", "*.apps.example"), List.of("127.0.0.1", "::1")).certificate();

    assertThat(HostnameMatcher.mismatch(cert, "kubernetes.default.svc")).isNull();
    assertThat(HostnameMatcher.mismatch(cert, "KUBERNETES.default.svc.")).isNull();
    assertThat(HostnameMatcher.mismatch(cert, "x.apps.example")).isNull();
    assertThat(HostnameMatcher.mismatch(cert, "127.0.0.1")).isNull();
    assertThat(HostnameMatcher.mismatch(cert, "[::1]")).isNull();
    assertThat(HostnameMatcher.mismatch(cert, "a.b.apps.example")).contains("not a.b.apps.example");
    assertThat(HostnameMatcher.mismatch(cert, "server")).contains("not server"); // the CN is not a name
    assertThat(HostnameMatcher.mismatch(cert, "wrong.example"))
        .isEqualTo("the server certificate is valid for kubernetes.default.svc, *.apps.example, 127.0.0.1, 0:0:0:0:0:0:0:1, not wrong.example");
  }

  @Test
  void clientCertificateFilesAreReloadedWhenRenewedAndAHalfWrittenPairIsSkipped() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("ca");
    TestCerts.Issued one = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.ec(), "one");
    TestCerts.Issued two = TestCerts.client(ca.certificate(), ca.keyPair().getPrivate(), TestCerts.ec(), "two");
    Path crt = Files.writeString(dir.resolve("tls.crt"), one.certificatePem());
    Path key = Files.writeString(dir.resolve("tls.key"), one.pkcs8());
    ClientCertificate cc = ClientCertificate.fromFiles(crt, key, "test", "cert", "key");
    assertThat(cc.getCertificateChain(cc.chooseClientAlias(null, null, null))[0]).isEqualTo(one.certificate());

    Files.writeString(crt, two.certificatePem()); // the key is not renewed yet
    assertThat(cc.getCertificateChain(cc.chooseClientAlias(null, null, null))[0]).isEqualTo(one.certificate());

    Files.writeString(key, two.traditional());
    String alias = cc.chooseClientAlias(new String[] {"EC"}, null, null);
    assertThat(cc.getCertificateChain(alias)[0]).isEqualTo(two.certificate());
    assertThat(((java.security.interfaces.ECPrivateKey) cc.getPrivateKey(alias)).getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) two.keyPair().getPrivate()).getS());
  }

  @Test
  void aDynamicSourceWithNothingToOfferPresentsNoCertificate() {
    ClientCertificate cc = ClientCertificate.dynamic(() -> null, "nothing yet");

    assertThat(cc.chooseEngineClientAlias(new String[] {"EC", "RSA"}, null, null)).isNull();
    assertThat(cc.getClientAliases("EC", null)).isNull();
  }

  @Test
  void pemKeysInTheShapesOpensslWrites() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("ca");
    var ec = (java.security.interfaces.ECPrivateKey) ca.keyPair().getPrivate();
    var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
    var noPublic = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), info.getPrivateKeyAlgorithm().getParameters());
    String sec1WithoutPublicKey = TestCerts.pem(new PemObject("EC PRIVATE KEY", noPublic.getEncoded()));
    String withParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + ca.traditional();

    assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(sec1WithoutPublicKey, "s", "f")).getS()).isEqualTo(ec.getS());
    assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(withParameters, "s", "f")).getS()).isEqualTo(ec.getS());
    assertThat(Pem.certificates(ca.certificatePem() + TestCerts.ca("b").certificatePem(), "s", "f")).hasSize(2);
    assertThatThrownBy(() -> Pem.privateKey(ca.certificatePem(), "s", "f")).hasMessage("s: f holds no PEM private key (RSA or EC, PKCS#1, SEC1 or PKCS#8)");
  }
}
