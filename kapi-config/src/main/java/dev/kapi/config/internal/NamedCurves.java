package dev.kapi.config.internal;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Map;

/**
 * The elliptic curves a client key may use, by OID: the three NIST curves that both Go's crypto/tls and the JDK's
 * SunEC provider support. (The JDK dropped the other curves in 16; Go never had them in crypto/ecdsa keys for TLS.)
 */
final class NamedCurves {

  private static final Map<String, String> JDK_NAMES = Map.of(
      "1.2.840.10045.3.1.7", "secp256r1", // P-256, what kubeadm, kind and cert-manager write by default
      "1.3.132.0.34", "secp384r1",        // P-384
      "1.3.132.0.35", "secp521r1");       // P-521

  static final String SUPPORTED = "P-256, P-384 or P-521";

  private NamedCurves() {
  }

  /** The curve's parameters, or null when the OID names no supported curve. */
  static ECParameterSpec byOid(String oid) {
    String name = JDK_NAMES.get(oid);
    if (name == null) {
      return null;
    }
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(name));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      // every Java 17 runtime ships SunEC with these three curves
      throw new IllegalStateException("the JDK lacks curve " + name, e);
    }
  }
}
