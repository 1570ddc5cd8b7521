// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IssuerConfig;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The registered-claim checks of RFC 7519 §4.1, after the signature verified: exact {@code iss};
 * {@code exp} required; {@code nbf} and {@code iat} not in the future; one leeway for all three;
 * the issuer's maximum token age; {@code aud} required and matched exactly; registered claims of
 * the wrong JSON type refused.
 */
final class ClaimChecks {

    /** Time claims beyond this (year 5138) are refused as saturated values. */
    private static final BigInteger MAX_TIME = BigInteger.valueOf(100_000_000_000L);

    private ClaimChecks() {
    }

    /** Runs every check and returns the token's expiry. */
    static Instant check(ObjectNode claims, IssuerConfig issuer, Instant now) {
        checkRegisteredTypes(claims);
        checkIssuer(claims, issuer);
        Instant exp = time(claims, "exp");
        if (exp == null) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "no exp");
        }
        Instant nbf = time(claims, "nbf");
        Instant iat = time(claims, "iat");
        checkWindow(exp, nbf, iat, issuer.leeway(), now);
        checkAge(exp, iat, issuer, now);
        checkAudience(claims, issuer);
        return exp;
    }

    /**
     * RFC 7519 §4.1.2, §4.1.3 and §4.1.7: {@code sub} and {@code jti} are strings, {@code aud} a
     * string or an array of strings. A registered claim of another JSON type makes the token
     * malformed; it is never read as absent, or a preset whose immutable id is not {@code sub}
     * would accept {@code "sub":{"x":1}}.
     */
    private static void checkRegisteredTypes(ObjectNode claims) {
        for (String name : List.of("sub", "jti")) {
            JsonNode node = claims.get(name);
            if (node != null && !node.isTextual()) {
                throw malformed(name + " is not a string");
            }
        }
        JsonNode aud = claims.get("aud");
        if (aud != null && !isStringOrStrings(aud)) {
            throw malformed("aud is not a string or an array of strings");
        }
    }

    private static boolean isStringOrStrings(JsonNode node) {
        if (node.isTextual()) {
            return true;
        }
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void checkIssuer(ObjectNode claims, IssuerConfig issuer) {
        JsonNode iss = claims.get("iss");
        if (iss == null || !iss.isTextual() || !issuer.issuer().equals(iss.asText())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER, "iss differs");
        }
    }

    private static void checkWindow(Instant exp, @Nullable Instant nbf, @Nullable Instant iat,
            Duration leeway, Instant now) {
        if (now.isAfter(exp.plus(leeway))) {
            throw new DenialException(DenialReason.EXPIRED, "exp has passed");
        }
        if (nbf != null && nbf.isAfter(now.plus(leeway))) {
            throw new DenialException(DenialReason.NOT_YET_VALID, "nbf is in the future");
        }
        if (iat != null && iat.isAfter(now.plus(leeway))) {
            throw new DenialException(DenialReason.ISSUED_IN_FUTURE, "iat is in the future");
        }
    }

    /**
     * The lifetime a token claims, from {@code iat} (or now, without one) to {@code exp}, may not
     * exceed the issuer's maximum token age. This also bounds how old an accepted token can be:
     * {@link #checkWindow} already refused it unless {@code now <= exp + leeway}, so its age
     * {@code now - iat} is at most the maximum age plus the leeway. A separate age check could
     * never fire, and was removed rather than kept as unreachable code that looks like a guard.
     */
    private static void checkAge(Instant exp, @Nullable Instant iat, IssuerConfig issuer,
            Instant now) {
        Instant start = iat != null ? iat : now;
        if (Duration.between(start, exp).compareTo(issuer.maxTokenAge()) > 0) {
            throw new DenialException(DenialReason.TOO_OLD, "lifetime exceeds the issuer's max");
        }
    }

    private static void checkAudience(ObjectNode claims, IssuerConfig issuer) {
        List<String> audiences = audiences(claims.get("aud"));
        if (audiences.stream().noneMatch(issuer.audiences()::contains)) {
            throw new DenialException(DenialReason.AUDIENCE_MISMATCH, "no accepted audience");
        }
    }

    /** {@code aud}, already known to be a string or an array of strings, as a list. */
    private static List<String> audiences(@Nullable JsonNode aud) {
        if (aud == null) {
            return List.of();
        }
        if (aud.isTextual()) {
            return List.of(aud.asText());
        }
        var out = new ArrayList<String>();
        aud.forEach(item -> out.add(item.asText()));
        return out;
    }

    /** A NumericDate (RFC 7519 §2) as a whole number of seconds within range, or null. */
    private static @Nullable Instant time(ObjectNode claims, String name) {
        JsonNode node = claims.get(name);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw malformed(name + " is not whole seconds");
        }
        BigInteger value = node.bigIntegerValue();
        if (value.signum() < 0 || value.compareTo(MAX_TIME) > 0) {
            throw malformed(name + " is out of range");
        }
        return Instant.ofEpochSecond(value.longValueExact());
    }

    private static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }
}
