package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Private keys exactly as the openssl CLI writes them (fixtures in src/test/resources/dev/kapi/config/keys, made by
 * its generate.sh): each supported shape decodes to the key its certificate certifies, each refused shape says why.
 */
class PemKeysFromOpensslTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "rsa-pkcs1, RSA", "rsa-3072-pkcs1, RSA", "rsa-pkcs8, RSA",
      "ec-p256-sec1, EC", "ec-p256-pkcs8, EC", "ec-p384-sec1, EC", "ec-p384-pkcs8, EC",
      "ec-p521-sec1, EC", "ec-p521-pkcs8, EC", "ec-p256-with-parameters, EC",
      "ed25519-pkcs8, EdDSA"})
  void everyShapeOpensslWritesDecodesToTheKeyItsCertificateCertifies(String name, String algorithm) {
    String certPem = KeyFixtures.read(name + ".crt");
    String keyPem = KeyFixtures.read(name + ".key");

    PrivateKey key = Pem.privateKey(keyPem, "s", "f");
    ClientCertificate.KeyMaterial pair = ClientCertificate.material(certPem, keyPem, "s", "cert", "key");

    assertThat(key.getAlgorithm()).isEqualTo(algorithm);
    assertThat(pair.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
  }

  @ParameterizedTest(name = "{0} and {1}")
  @CsvSource({"rsa-pkcs1, rsa-pkcs8", "ec-p256-sec1, ec-p256-pkcs8", "ec-p384-sec1, ec-p384-pkcs8",
      "ec-p521-sec1, ec-p521-pkcs8"})
  void aTraditionalKeyAndItsPkcs8ConversionAreTheSameKeyAsTheJdkReadsIt(String traditional, String pkcs8)
      throws Exception {
    PrivateKey fromTraditional = Pem.privateKey(KeyFixtures.read(traditional + ".key"), "s", "f");
    PrivateKey fromPkcs8 = Pem.privateKey(KeyFixtures.read(pkcs8 + ".key"), "s", "f");
    // the JDK reads PKCS#8 itself: an independent decoding to compare against
    PrivateKey jdk = KeyFactory.getInstance(fromPkcs8.getAlgorithm())
        .generatePrivate(new PKCS8EncodedKeySpec(KeyFixtures.der(pkcs8 + ".key")));

    if (jdk instanceof ECPrivateKey ec) {
      // openssl's PKCS#8 also carries the public key, so compare the values rather than the encodings
      for (PrivateKey k : new PrivateKey[] {fromTraditional, fromPkcs8}) {
        assertThat(((ECPrivateKey) k).getS()).isEqualTo(ec.getS());
        assertThat(((ECPrivateKey) k).getParams().toString()).isEqualTo(ec.getParams().toString());
      }
    } else {
      assertThat(fromTraditional).isEqualTo(jdk);
      assertThat(fromPkcs8).isEqualTo(jdk);
      RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) jdk;
      assertThat(((RSAPrivateCrtKey) fromTraditional).getPrivateExponent()).isEqualTo(rsa.getPrivateExponent());
      assertThat(((RSAPrivateCrtKey) fromTraditional).getCrtCoefficient()).isEqualTo(rsa.getCrtCoefficient());
    }
  }

  @Test
  void anEd25519KeyIsTheOneTheJdkReads() throws Exception {
    PrivateKey jdk = KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(KeyFixtures.der("ed25519-pkcs8.key")));

    assertThat(Pem.privateKey(KeyFixtures.read("ed25519-pkcs8.key"), "s", "f").getEncoded()).isEqualTo(jdk.getEncoded());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ec-p256-explicit-sec1 | is an EC private key with explicit curve parameters, which Kubernetes clients do not support; write it with a named curve (openssl ec -param_enc named_curve)",
      "ec-p256-explicit-pkcs8 | is an EC private key with explicit curve parameters, which Kubernetes clients do not support; write it with a named curve (openssl ec -param_enc named_curve)",
      "ec-secp256k1-sec1 | is an EC private key on an unsupported curve (OID 1.3.132.0.10); Kubernetes clients accept P-256, P-384 or P-521",
      "ed448-pkcs8 | is an Ed448 private key; Kubernetes clients accept RSA, EC or Ed25519 keys",
      "rsa-pss-pkcs8 | is an RSASSA-PSS private key; Kubernetes clients accept RSA, EC or Ed25519 keys",
      "dsa-pkcs8 | is a DSA private key; Kubernetes clients accept RSA, EC or Ed25519 keys",
      "dsa-traditional | is a DSA private key; Kubernetes clients accept RSA, EC or Ed25519 keys",
      "rsa-pkcs1-encrypted | is an encrypted private key, which Kubernetes clients do not support",
      "rsa-pkcs8-encrypted | is an encrypted private key, which Kubernetes clients do not support"})
  void shapesKubernetesClientsRefuseAreRefusedByName(String name, String problem) {
    assertThatThrownBy(() -> Pem.privateKey(KeyFixtures.read(name + ".key"), "kubeconfig", "users[u].client-key-data"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kubeconfig: users[u].client-key-data " + problem);
  }

  @Test
  void textAroundTheBlockCrlfLineEndsAndIndentationAreTolerated() {
    String pem = KeyFixtures.read("ec-p384-sec1.key");
    PrivateKey expected = Pem.privateKey(pem, "s", "f");
    String crlf = pem.replace("\n", "\r\n");
    String withText = "Bag Attributes\n    localKeyID: 01 02 03\nKey Attributes: <No Attributes>\n" + pem + "trailing words\n";
    String indented = "  " + pem.replace("\n", "\n  ");
    String certificateFirst = KeyFixtures.read("ec-p384-sec1.crt") + pem;

    assertThat(Pem.privateKey(crlf, "s", "f")).isEqualTo(expected);
    assertThat(Pem.privateKey(withText, "s", "f")).isEqualTo(expected);
    assertThat(Pem.privateKey(indented, "s", "f")).isEqualTo(expected);
    assertThat(Pem.privateKey(certificateFirst, "s", "f")).isEqualTo(expected);
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsNamed() {
    assertThatThrownBy(() -> ClientCertificate.material(KeyFixtures.read("ec-p256-sec1.crt"),
        KeyFixtures.read("ec-p256-with-parameters.key"), "s", "cert", "key"))
        .hasMessage("s: key does not match the certificate in cert (CN=ec-p256-sec1)");
    assertThatThrownBy(() -> ClientCertificate.material(KeyFixtures.read("rsa-pkcs1.crt"),
        KeyFixtures.read("ed25519-pkcs8.key"), "s", "cert", "key"))
        .hasMessage("s: key does not match the certificate in cert (CN=rsa-pkcs1)");
  }
}
