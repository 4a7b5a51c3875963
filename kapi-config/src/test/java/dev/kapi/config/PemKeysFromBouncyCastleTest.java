package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys generated in-process and written by BouncyCastle (the library kapi-config used to read them with, kept for
 * tests only): many keys per shape, so scalars with leading zero bytes and the like come up, plus the rarer
 * shapes openssl's CLI does not write (PKCS#8 v2 with a public key, SEC1 without a public key, a curve named only
 * in one place).
 */
class PemKeysFromBouncyCastleTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
  void manyEcKeysRoundTripInSec1AndPkcs8(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    for (int i = 0; i < 64; i++) {
      KeyPair pair = generator.generateKeyPair();
      TestCerts.Issued issued = new TestCerts.Issued(null, pair);
      BigInteger s = ((ECPrivateKey) pair.getPrivate()).getS();

      assertThat(((ECPrivateKey) Pem.privateKey(issued.traditional(), "s", "f")).getS()).isEqualTo(s);
      assertThat(Pem.privateKey(issued.pkcs8(), "s", "f")).isEqualTo(pair.getPrivate());
    }
  }

  @Test
  void rsaKeysRoundTripInPkcs1AndPkcs8() {
    for (int i = 0; i < 4; i++) {
      KeyPair pair = TestCerts.rsa();
      TestCerts.Issued issued = new TestCerts.Issued(null, pair);
      assertThat(issued.traditional()).contains("BEGIN RSA PRIVATE KEY");

      PrivateKey fromPkcs1 = Pem.privateKey(issued.traditional(), "s", "f");

      assertThat(fromPkcs1).isInstanceOf(RSAPrivateCrtKey.class).isEqualTo(pair.getPrivate());
      assertThat(Pem.privateKey(issued.pkcs8(), "s", "f")).isEqualTo(pair.getPrivate());
    }
  }

  @Test
  void ed25519KeysRoundTripInPkcs8VersionOneAndTwo() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    PrivateKeyInfo v1 = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    byte[] publicKey = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getOctets();
    // OneAsymmetricKey (RFC 5958): version 1 with the public key, as some Go and Rust tools write Ed25519 keys
    PrivateKeyInfo v2 = new PrivateKeyInfo(v1.getPrivateKeyAlgorithm(), v1.parsePrivateKey(), null, publicKey);

    assertThat(Pem.privateKey(TestCerts.pem(pair.getPrivate()), "s", "f")).isEqualTo(pair.getPrivate());
    assertThat(Pem.privateKey(KeyFixtures.pem("PRIVATE KEY", v2.getEncoded()), "s", "f")).isEqualTo(pair.getPrivate());
  }

  @Test
  void anEcKeyNamesItsCurveInEitherPlaceOrIsRefused() throws Exception {
    ECPrivateKey ec = (ECPrivateKey) TestCerts.ec().getPrivate();
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    var withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), curve);
    var withoutCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), null, null);
    AlgorithmIdentifier ecNoCurve = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey);

    String curveOnlyInside = KeyFixtures.pem("PRIVATE KEY", new PrivateKeyInfo(ecNoCurve, withCurve).getEncoded());
    String curveOnlyOutside = KeyFixtures.pem("PRIVATE KEY", new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), withoutCurve).getEncoded());
    String noCurveAnywhere = KeyFixtures.pem("PRIVATE KEY", new PrivateKeyInfo(ecNoCurve, withoutCurve).getEncoded());
    String sec1WithoutCurve = KeyFixtures.pem("EC PRIVATE KEY", withoutCurve.getEncoded());

    assertThat(((ECPrivateKey) Pem.privateKey(curveOnlyInside, "s", "f")).getS()).isEqualTo(ec.getS());
    assertThat(((ECPrivateKey) Pem.privateKey(curveOnlyOutside, "s", "f")).getS()).isEqualTo(ec.getS());
    assertThatThrownBy(() -> Pem.privateKey(noCurveAnywhere, "kc", "users[u].client-key-data"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kc: users[u].client-key-data is an EC private key that does not name its curve");
    assertThatThrownBy(() -> Pem.privateKey(sec1WithoutCurve, "kc", "users[u].client-key-data"))
        .hasMessage("kc: users[u].client-key-data is an EC private key that does not name its curve");
  }

  @Test
  void anEcScalarOutsideTheCurveOrderIsRefused() {
    ECPrivateKey ec = (ECPrivateKey) TestCerts.ec().getPrivate();
    ASN1Encodable curve = PrivateKeyInfo.getInstance(ec.getEncoded()).getPrivateKeyAlgorithm().getParameters();
    BigInteger order = ec.getParams().getOrder();

    for (BigInteger s : new BigInteger[] {BigInteger.ZERO, order, order.add(BigInteger.ONE)}) {
      String pem = KeyFixtures.pem("EC PRIVATE KEY", encode(new org.bouncycastle.asn1.sec.ECPrivateKey(264, s, curve)));
      assertThatThrownBy(() -> Pem.privateKey(pem, "s", "f"))
          .hasMessage("s: f is not a valid PEM private key (the EC private key value is out of range for its curve)");
    }
  }

  @Test
  void rsaParametersMayBeNullOrAbsentButMultiPrimeKeysAreRefused() throws Exception {
    RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) TestCerts.rsa().getPrivate();
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(rsa.getEncoded());
    assertThat(info.getPrivateKeyAlgorithm().getParameters()).isEqualTo(DERNull.INSTANCE);
    var noParameters = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption), info.parsePrivateKey());
    var multiPrime = new DERSequence(new ASN1Encodable[] {new ASN1Integer(1), new ASN1Integer(rsa.getModulus()),
        new ASN1Integer(rsa.getPublicExponent()), new ASN1Integer(rsa.getPrivateExponent()), new ASN1Integer(rsa.getPrimeP()),
        new ASN1Integer(rsa.getPrimeQ()), new ASN1Integer(rsa.getPrimeExponentP()), new ASN1Integer(rsa.getPrimeExponentQ()),
        new ASN1Integer(rsa.getCrtCoefficient()), new DERSequence()});

    assertThat(Pem.privateKey(KeyFixtures.pem("PRIVATE KEY", noParameters.getEncoded()), "s", "f")).isEqualTo(rsa);
    assertThatThrownBy(() -> Pem.privateKey(KeyFixtures.pem("RSA PRIVATE KEY", encode(multiPrime)), "s", "f"))
        .hasMessage("s: f is a multi-prime RSA private key, which Kubernetes clients do not support");
  }

  @Test
  void aKeyInsideAnOctetStringThatIsNotDerIsRefused() throws Exception {
    var bogus = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
        new DEROctetString(new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> Pem.privateKey(KeyFixtures.pem("PRIVATE KEY", bogus.getEncoded()), "s", "f"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("s: f is not a valid PEM private key (");
  }

  private static byte[] encode(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded("DER");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
