// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IssuerConfig;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The claim checks after the signature verified (RFC 7519 §4.1): exact {@code iss}; {@code exp}
 * and {@code iat} required, with the entry's one leeway and maximum age; and the audience, which
 * must be exactly {@code <accepted audience>?challenge=<nonce>} (DESIGN, "Challenges and single
 * use"): the text is split at the last {@code ?challenge=}, the left part must equal one of the
 * entry's audiences and the right part is the challenge to consume.
 */
final class GceClaims {

    static final String CHALLENGE_MARK = "?challenge=";
    private static final BigInteger MAX_TIME = BigInteger.valueOf(100_000_000_000L);

    private GceClaims() {
    }

    /** Checks iss and the time window; returns the token's expiry. */
    static Instant checkIssuerAndTime(ObjectNode claims, IssuerConfig issuer, Instant now) {
        JsonNode iss = claims.get("iss");
        if (iss == null || !iss.isTextual() || !issuer.issuer().equals(iss.asText())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER, "iss differs");
        }
        Instant exp = time(claims, "exp");
        Instant iat = time(claims, "iat");
        if (exp == null || iat == null) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "no exp or iat");
        }
        Duration leeway = issuer.leeway();
        if (now.isAfter(exp.plus(leeway))) {
            throw new DenialException(DenialReason.EXPIRED, "exp has passed");
        }
        if (iat.isAfter(now.plus(leeway))) {
            throw new DenialException(DenialReason.ISSUED_IN_FUTURE, "iat is in the future");
        }
        if (Duration.between(iat, exp).compareTo(issuer.maxTokenAge()) > 0
                || Duration.between(iat, now).compareTo(issuer.maxTokenAge().plus(leeway)) > 0) {
            throw new DenialException(DenialReason.TOO_OLD, "token older than the issuer's max");
        }
        return exp;
    }

    /**
     * Checks the audience and returns the challenge it carries. Google puts the requested
     * audience into {@code aud} as one string.
     */
    static String challengeFromAudience(ObjectNode claims, IssuerConfig issuer) {
        JsonNode aud = claims.get("aud");
        if (aud == null || !aud.isTextual()) {
            throw new DenialException(DenialReason.AUDIENCE_MISMATCH, "aud is not one string");
        }
        String text = aud.asText();
        int mark = text.lastIndexOf(CHALLENGE_MARK);
        if (mark < 0) {
            throw new DenialException(DenialReason.AUDIENCE_MISMATCH, "aud carries no challenge");
        }
        String audience = text.substring(0, mark);
        if (!issuer.audiences().contains(audience)) {
            throw new DenialException(DenialReason.AUDIENCE_MISMATCH, "no accepted audience");
        }
        return text.substring(mark + CHALLENGE_MARK.length());
    }

    private static @Nullable Instant time(ObjectNode claims, String name) {
        JsonNode node = claims.get(name);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, name + " is not whole seconds");
        }
        BigInteger value = node.bigIntegerValue();
        if (value.signum() < 0 || value.compareTo(MAX_TIME) > 0) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, name + " is out of range");
        }
        return Instant.ofEpochSecond(value.longValueExact());
    }
}
