// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.parse.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A compact JWS, split and decoded under rules stricter than the JOSE libraries apply, so that one
 * token has exactly one spelling and hostile input never reaches the expensive steps: a size cap;
 * exactly three segments (five is a JWE, refused before any key is looked at); each segment strict
 * base64url without padding; header and claims JSON objects in valid UTF-8, without duplicate
 * members and without deep nesting. Nothing here is trusted: the result only says which issuer
 * and key to try.
 *
 * @param header the decoded protected header
 * @param claims the decoded claims
 * @param signingInput the ASCII bytes the signature covers
 * @param signature the decoded signature
 * @param compact the token as given
 */
public record StrictJws(
        ObjectNode header, ObjectNode claims, byte[] signingInput, byte[] signature,
        String compact) {

    /** The largest token accepted, in characters. */
    public static final int MAX_LENGTH = 12 * 1024;
    /** The deepest JSON nesting accepted in a header or claim set. */
    public static final int MAX_DEPTH = 16;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Json.Reader JSON =
            Json.reader(new Json.Limits(MAX_DEPTH, MAX_LENGTH, 40, true));

    /**
     * Parses a compact JWS.
     *
     * @throws DenialException {@link DenialReason#MALFORMED_TOKEN} or
     *     {@link DenialReason#UNSUPPORTED_TOKEN_FORM}
     */
    public static StrictJws parse(String compact) {
        if (compact.length() > MAX_LENGTH) {
            throw malformed("token longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = compact.split("\\.", -1);
        if (parts.length == 5) {
            throw new DenialException(DenialReason.UNSUPPORTED_TOKEN_FORM,
                    "encrypted (JWE) token; only signed JWTs are accepted");
        }
        if (parts.length != 3) {
            throw malformed("token has " + parts.length + " segments, not 3");
        }
        for (String part : parts) {
            if (!SEGMENT.matcher(part).matches()) {
                throw malformed("segment is empty or not strict base64url");
            }
        }
        ObjectNode header = decodeObject(parts[0], "header");
        ObjectNode claims = decodeObject(parts[1], "claims");
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        return new StrictJws(header, claims, signingInput, canonical(parts[2]), compact);
    }

    /** A string member of the header, or null when absent or not a string. */
    public String headerString(String name) {
        JsonNode node = header.get(name);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** A string member of the claims, or null when absent or not a string. */
    public String claimString(String name) {
        JsonNode node = claims.get(name);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static ObjectNode decodeObject(String segment, String what) {
        byte[] bytes = canonical(segment);
        String text = utf8(bytes, what);
        try {
            JsonNode node = JSON.read(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw malformed(what + " is not a JSON object");
        } catch (IOException e) {
            throw malformed(what + " is not strict JSON (duplicate member, nesting or syntax)");
        }
    }

    /**
     * Decodes a segment and refuses it unless re-encoding gives the same text, so non-zero
     * trailing bits (a second spelling of the same bytes) are refused too.
     */
    private static byte[] canonical(String segment) {
        byte[] bytes = Base64URL.from(segment).decode();
        if (!Base64URL.encode(bytes).toString().equals(segment)) {
            throw malformed("segment is not canonical base64url");
        }
        return bytes;
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(what + " is not valid UTF-8");
        }
    }

    private static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }
}
