// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real signing keys for tests, as Nimbus JWKs that include the private part.
 *
 * <p>Every key has {@code use=sig}, an {@code alg} (RS256 for RSA; ES256, ES384 or ES512 for EC,
 * after the curve) and a {@code kid} that is its RFC 7638 SHA-256 thumbprint
 * (<a href="https://www.rfc-editor.org/rfc/rfc7638">RFC 7638</a>).
 *
 * <p>RSA generation takes tens to hundreds of milliseconds, so {@link #rsa2048()} and
 * {@link #ecP256()} return keys cached for the life of the JVM; {@link #rsa2048(int)} gives
 * further distinct cached keys ("another key of the same kind"), and the {@code fresh…} methods
 * generate a new key on every call. Cached keys are shared by every test in the JVM: never
 * publish one as "unknown to the verifier" in one test and "trusted" in another without care.
 *
 * <p>Thread-safe. No method returns null.
 */
public final class TestKeys {

    private static final Map<Integer, RSAKey> RSA_2048 = new ConcurrentHashMap<>();
    private static final Map<Integer, ECKey> EC_P256 = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** The first cached RSA-2048 key (RS256). The same instance on every call. */
    public static RSAKey rsa2048() {
        return rsa2048(0);
    }

    /**
     * The {@code index}-th cached RSA-2048 key (RS256): the same index always gives the same key,
     * different indexes give different keys.
     *
     * @param index zero or more
     */
    public static RSAKey rsa2048(int index) {
        requireIndex(index);
        return RSA_2048.computeIfAbsent(index, i -> freshRsa2048());
    }

    /** The first cached EC P-256 key (ES256). The same instance on every call. */
    public static ECKey ecP256() {
        return ecP256(0);
    }

    /**
     * The {@code index}-th cached EC P-256 key (ES256): the same index always gives the same key,
     * different indexes give different keys.
     *
     * @param index zero or more
     */
    public static ECKey ecP256(int index) {
        requireIndex(index);
        return EC_P256.computeIfAbsent(index, i -> freshEcP256());
    }

    /** A newly generated RSA-2048 key (RS256), never cached. */
    public static RSAKey freshRsa2048() {
        return freshRsa(2048);
    }

    /** A newly generated EC P-256 key (ES256), never cached. */
    public static ECKey freshEcP256() {
        return freshEc(Curve.P_256);
    }

    /**
     * A newly generated RSA key (RS256) of any size, including sizes below 2048 bits so that
     * tests can show that weak keys are refused.
     *
     * @param bits the modulus size, for example 1024, 2048 or 4096
     */
    public static RSAKey freshRsa(int bits) {
        try {
            return new RSAKeyGenerator(bits, true)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA-" + bits + " key", e);
        }
    }

    /**
     * A newly generated EC key on the given curve, with the JWS algorithm that belongs to it.
     *
     * @param curve P-256, P-384 or P-521 (secp256k1 needs a JCA provider that has it, which
     *     JDK 17 does not)
     */
    public static ECKey freshEc(Curve curve) {
        try {
            return new ECKeyGenerator(curve)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(ecAlgorithm(curve))
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC " + curve + " key", e);
        }
    }

    static JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        if (Curve.SECP256K1.equals(curve)) {
            return JWSAlgorithm.ES256K;
        }
        throw new IllegalArgumentException("no JWS algorithm for curve " + curve);
    }

    private static void requireIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be zero or more, got " + index);
        }
    }
}
