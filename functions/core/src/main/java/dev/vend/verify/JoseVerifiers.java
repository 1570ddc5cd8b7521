// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * Nimbus JWS verifiers as Vend configures them: no deferred critical headers, and ECDSA on
 * BouncyCastle, because the JDK provider rejects valid P-256 signatures in the Wycheproof suite
 * and older JDKs accepted the all-zero signature (CVE-2022-21449). BouncyCastle's ECDSA is used
 * here only, through {@link BouncyCastleEcdsa}, which offers nothing else, and is never
 * registered as a global provider.
 */
public final class JoseVerifiers {

    private JoseVerifiers() {
    }

    /**
     * The provider, made when the first ECDSA signature is checked, so a deployment whose issuers
     * all sign with RSA never loads BouncyCastle.
     */
    private static final class BouncyCastle {
        static final Provider PROVIDER = new BouncyCastleEcdsa();
    }

    /** An RS256/RS384/RS512/PS* verifier for one public key. */
    public static JWSVerifier rsa(RSAPublicKey key) {
        return new RSASSAVerifier(key);
    }

    /** An ES256/ES384 verifier for one public key, running on BouncyCastle. */
    public static JWSVerifier ec(ECPublicKey key) throws JOSEException {
        var verifier = new ECDSAVerifier(key);
        verifier.getJCAContext().setProvider(BouncyCastle.PROVIDER);
        return verifier;
    }

    /**
     * Refuses a Java runtime whose own ECDSA accepts the all-zero signature (CVE-2022-21449:
     * 15 to 17.0.2 and 18.0.0; fixed in 17.0.3 and 18.0.1). Vend verifies ECDSA on BouncyCastle,
     * but other code in the same JVM (TLS to issuers, say) still uses the JDK provider, so such a
     * runtime is refused at start rather than trusted to stay out of the way.
     *
     * @throws InvalidConfigurationException naming the runtime and the least fixed version
     */
    public static void requirePatchedRuntime(Runtime.Version version) {
        boolean affected = switch (version.feature()) {
            case 15, 16 -> true;
            case 17 -> version.interim() == 0 && version.update() < 3;
            case 18 -> version.interim() == 0 && version.update() < 1;
            default -> version.feature() < 15;
        };
        if (affected) {
            throw new InvalidConfigurationException(List.of("Java " + version + " accepts forged "
                    + "ECDSA signatures (CVE-2022-21449); run on 17.0.3, 18.0.1, 21 or later"));
        }
    }

    /** The provider of BouncyCastle's ECDSA that Vend's ECDSA verifiers use. */
    public static Provider bouncyCastle() {
        return BouncyCastle.PROVIDER;
    }
}
