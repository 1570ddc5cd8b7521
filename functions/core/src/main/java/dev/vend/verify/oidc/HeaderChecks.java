// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.StrictJws;
import java.text.ParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Checks on the protected header, before any key is looked up (RFC 7515 §4.1). The algorithm
 * must be one the issuer entry accepts, so a token can never choose {@code none} or HMAC; any
 * {@code crit} (even empty) and {@code b64} are refused, because Vend processes no JWS extension
 * (RFC 7515 §4.1.11, RFC 7797); {@code typ} must name the issuer's media type where it defines
 * one.
 */
final class HeaderChecks {

    /** The longest {@code kid} looked up. */
    static final int MAX_KID_LENGTH = 256;

    private HeaderChecks() {
    }

    static JWSHeader check(StrictJws jws, IssuerConfig issuer) {
        if (jws.header().has("crit") || jws.header().has("b64")) {
            throw new DenialException(DenialReason.UNSUPPORTED_CRITICAL_HEADER,
                    "crit or b64 header present");
        }
        String alg = jws.headerString("alg");
        if (alg == null || !issuer.algorithms().contains(alg)) {
            throw new DenialException(DenialReason.UNSUPPORTED_ALGORITHM,
                    "alg not accepted for issuer " + issuer.id());
        }
        checkKid(jws);
        checkType(jws, issuer);
        return parse(jws, JWSAlgorithm.parse(alg));
    }

    private static void checkKid(StrictJws jws) {
        if (!jws.header().has("kid")) {
            return;
        }
        String kid = jws.headerString("kid");
        if (kid == null || kid.length() > MAX_KID_LENGTH) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "kid is not a short string");
        }
    }

    private static void checkType(StrictJws jws, IssuerConfig issuer) {
        String expected = issuer.expectedType();
        String typ = jws.headerString("typ");
        if (expected != null && (typ == null || !sameMediaType(expected, typ))) {
            throw new DenialException(DenialReason.WRONG_TOKEN_TYPE_HEADER,
                    "typ is not " + expected);
        }
    }

    /**
     * RFC 7515 §4.1.9: {@code typ} is a media type, compared without regard to case, whose
     * {@code application/} prefix may be left out; a value without {@code /} is read as if it
     * were there. So {@code JWT}, {@code jwt} and {@code application/jwt} are one type, and
     * nothing else is: no parameters, no whitespace, no other letters that case-fold to ASCII.
     */
    private static boolean sameMediaType(String expected, String typ) {
        String wanted = mediaType(expected);
        return wanted != null && wanted.equals(mediaType(typ));
    }

    private static @Nullable String mediaType(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7e || value.charAt(i) <= 0x20) {
                return null;
            }
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.indexOf('/') < 0 ? "application/" + lower : lower;
    }

    private static JWSHeader parse(StrictJws jws, JWSAlgorithm alg) {
        try {
            String segment = jws.compact().substring(0, jws.compact().indexOf('.'));
            JWSHeader header = JWSHeader.parse(Base64URL.from(segment));
            if (!alg.equals(header.getAlgorithm())) {
                throw new DenialException(DenialReason.MALFORMED_TOKEN, "header alg disagrees");
            }
            return header;
        } catch (ParseException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "header is not a JWS header");
        }
    }
}
