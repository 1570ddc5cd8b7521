// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.testsupport.TestTokens;
import java.nio.charset.StandardCharsets;

/** Hand-made compact tokens for inputs the token builder can not express. */
public final class TestJws {

    private static final String PLACEHOLDER = "\"__raw__\"";

    private TestJws() {
    }

    /** Base64url without padding of a UTF-8 string. */
    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Base64url without padding. */
    public static String b64(byte[] bytes) {
        return Base64URL.encode(bytes).toString();
    }

    /** {@code header.payload.signature} from JSON texts and an already encoded signature. */
    public static String compact(String headerJson, String payloadJson, String signature) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
    }

    /**
     * Signs the builder's token after replacing one claim with raw JSON text, for values such as
     * {@code 1.5e999} that no Java value serialises to.
     */
    public static String withRawClaim(TestTokens.Builder builder, String claim, String rawJson,
            JWK key) {
        builder.claim(claim, "__raw__");
        String payload = builder.payloadJson().replace(PLACEHOLDER, rawJson);
        return TestTokens.signRaw(builder.headerJson(), payload, key);
    }

    /** An RS256 signature over arbitrary header and payload bytes (invalid UTF-8, say). */
    public static String signBytes(byte[] header, byte[] payload, RSAKey key) {
        String input = b64(header) + "." + b64(payload);
        try {
            Base64URL signature = new RSASSASigner(key).sign(new JWSHeader(JWSAlgorithm.RS256),
                    input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }
}
