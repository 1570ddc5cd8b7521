// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.JoseVerifiers;
import dev.vend.verify.JwksCache;
import dev.vend.verify.StrictJws;
import dev.vend.verify.VendingFailure;
import java.util.List;

/**
 * The signature check: candidate keys come from the issuer's cache by {@code kid} and algorithm;
 * verification runs in Nimbus, with ECDSA on BouncyCastle.
 */
final class SignatureCheck {

    private SignatureCheck() {
    }

    static void verify(StrictJws jws, JWSHeader header, JwksCache keys) {
        JWSAlgorithm alg = header.getAlgorithm();
        String kid = header.getKeyID();
        List<JWK> candidates = keys.candidates(kid, alg);
        if (candidates.isEmpty()) {
            throw new DenialException(DenialReason.UNKNOWN_KEY, "no key of the issuer fits");
        }
        Base64URL signature = Base64URL.encode(jws.signature());
        for (JWK key : candidates) {
            if (verifies(key, header, jws.signingInput(), signature)) {
                return;
            }
        }
        throw new DenialException(DenialReason.BAD_SIGNATURE, "signature does not verify");
    }

    private static boolean verifies(JWK key, JWSHeader header, byte[] input, Base64URL signature) {
        try {
            JWSVerifier verifier;
            if (key instanceof RSAKey rsa) {
                verifier = JoseVerifiers.rsa(rsa.toRSAPublicKey());
            } else if (key instanceof ECKey ec) {
                verifier = JoseVerifiers.ec(ec.toECPublicKey());
            } else {
                return false;
            }
            return verifier.verify(header, input, signature);
        } catch (JOSEException e) {
            throw VendingFailure.permanent("signature check could not run: " + e.getMessage(), e);
        }
    }
}
