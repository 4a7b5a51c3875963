package dev.kapi.config.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Map;

/**
 * Turns the DER of an unencrypted private key into a JDK key: PKCS#1 ({@code RSA PRIVATE KEY}), SEC1
 * ({@code EC PRIVATE KEY}) and PKCS#8 ({@code PRIVATE KEY}) holding RSA, EC or Ed25519, the shapes Go's
 * {@code tls.X509KeyPair} (and so kubectl) accepts. Every value is read here and handed to the JDK as a key spec,
 * so the JDK's own DER parsers never see the input.
 */
public final class PrivateKeyDecoder {

  private static final String RSA = "1.2.840.113549.1.1.1";
  private static final String EC = "1.2.840.10045.2.1";
  private static final String ED25519 = "1.3.101.112";
  private static final String ACCEPTED = "Kubernetes clients accept RSA, EC or Ed25519 keys";

  /** Algorithms worth naming when refusing them, with their article. */
  private static final Map<String, String> REFUSED = Map.of(
      "1.2.840.10040.4.1", "a DSA",
      "1.2.840.113549.1.1.10", "an RSASSA-PSS",
      "1.3.101.113", "an Ed448",
      "1.3.101.110", "an X25519",
      "1.3.101.111", "an X448",
      "1.2.840.113549.1.3.1", "a DH",
      "1.2.840.10046.2.1", "a DH");

  private static final int MIN_RSA_BITS = 512;    // the JDK's own limits, checked first for a clearer message
  private static final int MAX_RSA_BITS = 16384;

  private PrivateKeyDecoder() {
  }

  /** The phrase for a key of another algorithm ({@code "a DSA"}): "is a DSA private key; Kubernetes clients accept …". */
  public static String unsupportedAlgorithm(String algorithmWithArticle) {
    return "is " + algorithmWithArticle + " private key; " + ACCEPTED;
  }

  /** PKCS#1 RSAPrivateKey (RFC 8017 A.1.2). */
  public static PrivateKey pkcs1(byte[] der) throws MalformedKeyException, UnsupportedKeyException {
    Der outer = Der.of(der);
    Der key = outer.sequence();
    outer.requireEnd();
    int version = key.smallInteger();
    if (version == 1) {
      throw new UnsupportedKeyException("is a multi-prime RSA private key, which Kubernetes clients do not support");
    }
    if (version != 0) {
      throw new MalformedKeyException("unknown RSA private key version");
    }
    BigInteger n = key.integer();
    BigInteger e = key.integer();
    BigInteger d = key.integer();
    BigInteger p = key.integer();
    BigInteger q = key.integer();
    BigInteger dp = key.integer();
    BigInteger dq = key.integer();
    BigInteger qInv = key.integer();
    key.requireEnd();
    if (n.signum() <= 0 || e.signum() <= 0 || d.signum() <= 0 || p.signum() <= 0 || q.signum() <= 0) {
      // Go's ParsePKCS1PrivateKey refuses the same
      throw new MalformedKeyException("an RSA key value is zero or negative");
    }
    if (n.bitLength() < MIN_RSA_BITS || n.bitLength() > MAX_RSA_BITS) {
      throw new UnsupportedKeyException("is a " + n.bitLength() + "-bit RSA private key; the JDK accepts "
          + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits");
    }
    return generate("RSA", new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qInv));
  }

  /** SEC1 ECPrivateKey (RFC 5915), its curve named in its own [0] parameters. */
  public static PrivateKey sec1(byte[] der) throws MalformedKeyException, UnsupportedKeyException {
    return ecPrivateKey(der, null, false);
  }

  /** PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958), unencrypted. */
  public static PrivateKey pkcs8(byte[] der) throws MalformedKeyException, UnsupportedKeyException {
    Der outer = Der.of(der);
    Der info = outer.sequence();
    outer.requireEnd();
    int version = info.smallInteger();
    if (version != 0 && version != 1) {
      throw new MalformedKeyException("unknown PKCS#8 version");
    }
    Der algorithm = info.sequence();
    String oid = algorithm.oid();
    byte[] privateKey = info.octetString();
    // [0] attributes and (version 1) [1] public key may follow; the private key is all a client needs
    while (info.hasMore()) {
      info.skip();
    }
    switch (oid) {
      case RSA -> {
        if (algorithm.hasMore()) {
          algorithm.nullValue(); // RFC 8017: the parameters are NULL (some writers omit them)
        }
        algorithm.requireEnd();
        return pkcs1(privateKey);
      }
      case EC -> {
        String curve = null;
        boolean explicit = false;
        if (algorithm.hasMore()) {
          int tag = algorithm.peekTag();
          if (tag == Der.OID) {
            curve = algorithm.oid();
          } else {
            explicit = tag == Der.SEQUENCE;
            algorithm.skip();
          }
        }
        algorithm.requireEnd();
        return ecPrivateKey(privateKey, curve, explicit);
      }
      case ED25519 -> {
        if (algorithm.hasMore()) {
          throw new MalformedKeyException("an Ed25519 key carries algorithm parameters (RFC 8410 forbids them)");
        }
        Der inner = Der.of(privateKey);
        byte[] seed = inner.octetString(); // CurvePrivateKey ::= OCTET STRING
        inner.requireEnd();
        if (seed.length != 32) {
          throw new MalformedKeyException("an Ed25519 private key is not 32 bytes");
        }
        return generate("Ed25519", new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      }
      default -> {
        String name = REFUSED.get(oid);
        throw new UnsupportedKeyException(name != null ? unsupportedAlgorithm(name)
            : "is a private key of an unknown algorithm (OID " + oid + "); " + ACCEPTED);
      }
    }
  }

  /**
   * SEC1 ECPrivateKey. As in Go's x509, a curve named by the PKCS#8 algorithm ({@code outerCurve}) wins over the
   * key's own [0] parameters, which PKCS#8 writers usually leave out.
   */
  private static PrivateKey ecPrivateKey(byte[] der, String outerCurve, boolean outerExplicit)
      throws MalformedKeyException, UnsupportedKeyException {
    Der outer = Der.of(der);
    Der key = outer.sequence();
    outer.requireEnd();
    if (key.smallInteger() != 1) {
      throw new MalformedKeyException("unknown EC private key version");
    }
    byte[] scalar = key.octetString();
    String ownCurve = null;
    boolean explicit = outerExplicit;
    if (key.nextIsExplicit(0)) {
      Der parameters = key.explicit(0);
      int tag = parameters.peekTag();
      if (tag == Der.OID) {
        ownCurve = parameters.oid();
      } else {
        // specifiedCurve (a SEQUENCE) or implicitCurve (NULL)
        explicit |= tag == Der.SEQUENCE;
        parameters.skip();
      }
      parameters.requireEnd();
    }
    if (key.nextIsExplicit(1)) {
      key.explicit(1); // the public key: derived from the private one when needed, so not checked here
    }
    key.requireEnd();

    String curve = outerCurve != null ? outerCurve : ownCurve;
    if (curve == null) {
      throw new UnsupportedKeyException(explicit
          ? "is an EC private key with explicit curve parameters, which Kubernetes clients do not support; "
              + "write it with a named curve (openssl ec -param_enc named_curve)"
          : "is an EC private key that does not name its curve");
    }
    ECParameterSpec parameters = NamedCurves.byOid(curve);
    if (parameters == null) {
      throw new UnsupportedKeyException("is an EC private key on an unsupported curve (OID " + curve
          + "); Kubernetes clients accept " + NamedCurves.SUPPORTED);
    }
    BigInteger s = new BigInteger(1, scalar);
    if (s.signum() == 0 || s.compareTo(parameters.getOrder()) >= 0) {
      throw new MalformedKeyException("the EC private key value is out of range for its curve");
    }
    return generate("EC", new ECPrivateKeySpec(s, parameters));
  }

  private static PrivateKey generate(String algorithm, KeySpec spec) throws MalformedKeyException {
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(spec);
    } catch (GeneralSecurityException | RuntimeException e) {
      // key factories document only InvalidKeySpecException, but this input is hostile: nothing else may escape.
      // The JDK's reason is not passed on: it could describe the key's values.
      throw new MalformedKeyException("the JDK refuses the " + algorithm + " key values");
    }
  }
}
