// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import dev.vend.testsupport.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Signing keys in any rotation state, and JDK-only helpers to read what Vend publishes. */
final class IssueFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IssueFixtures() {
    }

    /** The cached RSA key as a signing key in the given state. */
    static SigningKey rsa(KeyState state, @Nullable Instant publishedUntil) {
        return key(TestKeys.rsa2048(), "file:/keys/rsa", state, publishedUntil);
    }

    /** The cached EC key as a signing key in the given state. */
    static SigningKey ec(KeyState state, @Nullable Instant publishedUntil) {
        return key(TestKeys.ecP256(), "file:/keys/ec", state, publishedUntil);
    }

    /** A signing key from a private JWK, in the given state. */
    static SigningKey key(JWK privateJwk, String reference, KeyState state,
            @Nullable Instant publishedUntil) {
        SigningKey active = LocalSigningKeys.fromJwk(privateJwk, reference);
        return new SigningKey(reference, state, publishedUntil, active.publicJwk(),
                active.signer());
    }

    /** A retiring signing key from a private JWK that stopped signing at {@code retiredAt}. */
    static SigningKey retiring(JWK privateJwk, String reference, Instant retiredAt,
            @Nullable Instant publishedUntil) {
        SigningKey active = LocalSigningKeys.fromJwk(privateJwk, reference);
        return new SigningKey(reference, KeyState.RETIRING, publishedUntil, active.publicJwk(),
                active.signer(), retiredAt, null);
    }

    /** Parses JSON text. */
    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Strict base64url decoding (RFC 7515 §2: no padding). */
    static byte[] b64(String text) {
        if (text.contains("=")) {
            throw new IllegalArgumentException("padded base64url: " + text);
        }
        return Base64.getUrlDecoder().decode(text);
    }

    /** A base64url value as an unsigned integer. */
    static BigInteger unsigned(String text) {
        return new BigInteger(1, b64(text));
    }

    /** The RFC 7638 SHA-256 thumbprint of a public JWK, computed by hand. */
    static String thumbprint(JsonNode jwk) {
        String canonical = switch (jwk.get("kty").asText()) {
            case "RSA" -> "{\"e\":\"" + jwk.get("e").asText() + "\",\"kty\":\"RSA\",\"n\":\""
                    + jwk.get("n").asText() + "\"}";
            case "EC" -> "{\"crv\":\"" + jwk.get("crv").asText() + "\",\"kty\":\"EC\",\"x\":\""
                    + jwk.get("x").asText() + "\",\"y\":\"" + jwk.get("y").asText() + "\"}";
            default -> throw new IllegalArgumentException("unexpected kty");
        };
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 64-byte JOSE ECDSA signature (R || S, RFC 7518 §3.4) as ASN.1 DER for the JDK. */
    static byte[] joseToDer(byte[] jose) {
        if (jose.length != 64) {
            throw new IllegalArgumentException("ES256 signatures are 64 bytes, got " + jose.length);
        }
        byte[] r = derInteger(Arrays.copyOfRange(jose, 0, 32));
        byte[] s = derInteger(Arrays.copyOfRange(jose, 32, 64));
        byte[] der = new byte[2 + r.length + s.length];
        der[0] = 0x30;
        der[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, der, 2, r.length);
        System.arraycopy(s, 0, der, 2 + r.length, s.length);
        return der;
    }

    private static byte[] derInteger(byte[] unsignedBytes) {
        byte[] value = new BigInteger(1, unsignedBytes).toByteArray();
        byte[] out = new byte[2 + value.length];
        out[0] = 0x02;
        out[1] = (byte) value.length;
        System.arraycopy(value, 0, out, 2, value.length);
        return out;
    }
}
