// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.parse.Json;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.io.IOException;
import java.util.Base64;
import java.util.Set;

/**
 * Parses the subject token: the IMDS response exactly as served,
 * {@code {"encoding":"pkcs7","signature":"<base64 DER>"}}. Nothing here is trusted.
 */
final class AttestedEnvelope {

    /** The largest subject token accepted, in characters (real ones are about 3.5 KiB). */
    static final int MAX_LENGTH = 16 * 1024;

    private static final Json.Reader JSON =
            Json.reader(new Json.Limits(8, MAX_LENGTH, 40, false));

    private AttestedEnvelope() {
    }

    /** The DER bytes of the PKCS7 signature. */
    static byte[] pkcs7(String token) {
        if (token.length() > MAX_LENGTH) {
            throw malformed("attested document too long");
        }
        JsonNode root = readObject(token);
        if (!Set.of("encoding", "signature").containsAll(iterable(root))) {
            throw malformed("unknown member in the attested document");
        }
        JsonNode encoding = root.get("encoding");
        JsonNode signature = root.get("signature");
        if (encoding == null || !"pkcs7".equals(encoding.asText())
                || signature == null || !signature.isTextual()) {
            throw malformed("not an IMDS attested document (encoding pkcs7, signature)");
        }
        try {
            return Base64.getMimeDecoder().decode(signature.asText());
        } catch (IllegalArgumentException e) {
            throw malformed("signature is not base64");
        }
    }

    static JsonNode readObject(String text) {
        try {
            JsonNode node = JSON.read(text);
            if (node == null || !node.isObject()) {
                throw malformed("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw malformed("not strict JSON");
        }
    }

    private static Set<String> iterable(JsonNode node) {
        var names = new java.util.HashSet<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }

}
