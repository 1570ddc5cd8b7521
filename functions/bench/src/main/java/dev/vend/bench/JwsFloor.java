// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.verify.JoseVerifiers;
import java.text.ParseException;

/**
 * The least verifying a JWS must cost: one Nimbus signature verification of the token's signing
 * input, with the same key and the verifier {@link JoseVerifiers} configures (RSA on the JDK,
 * ECDSA on BouncyCastle). The token is parsed and the verifier built once; nothing is parsed or
 * built per call. Not thread-safe beyond what the Nimbus verifier is.
 */
public final class JwsFloor {

    private final JWSVerifier verifier;
    private final JWSHeader header;
    private final byte[] signingInput;
    private final Base64URL signature;

    /**
     * @param token a compact JWS
     * @param key the key that signed it (a private part is ignored)
     */
    public JwsFloor(String token, JWK key) {
        try {
            SignedJWT jws = SignedJWT.parse(token);
            this.verifier = verifier(key);
            this.header = jws.getHeader();
            this.signingInput = jws.getSigningInput();
            this.signature = jws.getSignature();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("JWS floor setup failed: " + e.getMessage(), e);
        }
    }

    /** Whether the signature verifies; benchmarks consume the result. */
    public boolean verify() throws JOSEException {
        return verifier.verify(header, signingInput, signature);
    }

    private static JWSVerifier verifier(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return JoseVerifiers.rsa(rsa.toRSAPublicKey());
        }
        return JoseVerifiers.ec(((ECKey) key).toECPublicKey());
    }
}
