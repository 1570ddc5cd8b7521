// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.JoseVerifiers;
import dev.vend.verify.JwksCache;
import dev.vend.verify.StrictJws;
import dev.vend.verify.VendingFailure;
import java.text.ParseException;
import java.util.List;

/**
 * The header and signature checks of a Google identity token (RFC 7515 §4.1): the algorithm one
 * the issuer entry accepts (Google signs RS256), no {@code crit} or {@code b64}, a short
 * {@code kid} used only to look a key up in Google's JWKS, and an RSA signature by one of the
 * candidate keys.
 */
final class GceSignature {

    static final int MAX_KID_LENGTH = 256;

    private GceSignature() {
    }

    static void verify(StrictJws jws, IssuerConfig issuer, JwksCache keys) {
        JWSHeader header = header(jws, issuer);
        List<JWK> candidates = keys.candidates(header.getKeyID(), header.getAlgorithm());
        if (candidates.isEmpty()) {
            throw new DenialException(DenialReason.UNKNOWN_KEY, "no Google key fits");
        }
        Base64URL signature = Base64URL.encode(jws.signature());
        for (JWK key : candidates) {
            if (key instanceof RSAKey rsa && verifies(rsa, header, jws, signature)) {
                return;
            }
        }
        throw new DenialException(DenialReason.BAD_SIGNATURE, "signature does not verify");
    }

    private static JWSHeader header(StrictJws jws, IssuerConfig issuer) {
        if (jws.header().has("crit") || jws.header().has("b64")) {
            throw new DenialException(DenialReason.UNSUPPORTED_CRITICAL_HEADER,
                    "crit or b64 header present");
        }
        String alg = jws.headerString("alg");
        if (alg == null || !issuer.algorithms().contains(alg)
                || !JWSAlgorithm.Family.RSA.contains(JWSAlgorithm.parse(alg))) {
            throw new DenialException(DenialReason.UNSUPPORTED_ALGORITHM, "alg not accepted");
        }
        String kid = jws.headerString("kid");
        if (jws.header().has("kid") && (kid == null || kid.length() > MAX_KID_LENGTH)) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "kid is not a short string");
        }
        try {
            String segment = jws.compact().substring(0, jws.compact().indexOf('.'));
            return JWSHeader.parse(Base64URL.from(segment));
        } catch (ParseException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "header is not a JWS header");
        }
    }

    private static boolean verifies(RSAKey key, JWSHeader header, StrictJws jws,
            Base64URL signature) {
        try {
            return JoseVerifiers.rsa(key.toRSAPublicKey())
                    .verify(header, jws.signingInput(), signature);
        } catch (JOSEException e) {
            throw VendingFailure.permanent("signature check could not run: " + e.getMessage(), e);
        }
    }
}
