// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.issue.SigningKey;
import dev.vend.verify.JoseVerifiers;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * The least any token exchange must do: verify the incoming token's signature once and sign the
 * outgoing token once, with the same key objects and algorithms as the pipeline (Nimbus, ECDSA
 * verification on BouncyCastle as {@link JoseVerifiers} configures it, signing with the very
 * signer of Vend's key). Inputs are prepared once; nothing is parsed or built per call.
 */
public final class CryptoFloor {

    private final JwsFloor inbound;
    private final JWSSigner signer;
    private final JWSHeader outboundHeader;
    private final byte[] outboundSigningInput;

    /**
     * @param inboundToken a token the pipeline accepts
     * @param inboundKey the inbound issuer's key
     * @param signingKey Vend's signing key
     * @param issuedToken a token Vend issued, whose header and claims are signed again
     */
    public CryptoFloor(String inboundToken, JWK inboundKey, SigningKey signingKey,
            String issuedToken) {
        this.inbound = new JwsFloor(inboundToken, inboundKey);
        try {
            SignedJWT issued = SignedJWT.parse(issuedToken);
            this.signer = signingKey.signer();
            this.outboundHeader = issued.getHeader();
            this.outboundSigningInput = (issued.getHeader().toBase64URL() + "."
                    + issued.getPayload().toBase64URL()).getBytes(StandardCharsets.US_ASCII);
        } catch (ParseException e) {
            throw new IllegalStateException("floor setup failed: " + e.getMessage(), e);
        }
    }

    /** Whether the incoming signature verifies; benchmarks consume the result. */
    public boolean verifyInbound() throws JOSEException {
        return inbound.verify();
    }

    /** The outgoing signature. */
    public Base64URL signOutbound() throws JOSEException {
        return signer.sign(outboundHeader, outboundSigningInput);
    }
}
