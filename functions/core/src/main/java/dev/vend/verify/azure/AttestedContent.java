// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.model.AttributeValue;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The signed content of an attested document, read only after its signature verified: the
 * {@code nonce}, {@code timeStamp.expiresOn} ({@code MM/dd/yy HH:mm:ss -0000}, as IMDS writes it)
 * and the VM's identity.
 *
 * @param nonce the nonce the VM asked IMDS to sign
 * @param expiresOn when IMDS says the document stops being valid
 * @param attributes typed attributes: {@code vm_id}, {@code subscription_id}, {@code sku},
 *     {@code license_type}, {@code plan_name}, {@code plan_product}, {@code plan_publisher}
 */
record AttestedContent(String nonce, Instant expiresOn, Map<String, AttributeValue> attributes) {

    private static final DateTimeFormatter IMDS_TIME =
            DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss xx");

    static AttestedContent parse(byte[] signedContent) {
        JsonNode root = AttestedEnvelope.readObject(utf8(signedContent));
        String nonce = text(root, "nonce");
        JsonNode stamp = root.get("timeStamp");
        String expires = stamp != null && stamp.isObject() ? text(stamp, "expiresOn") : null;
        if (nonce == null || expires == null) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "no nonce or expiresOn");
        }
        var attributes = new LinkedHashMap<String, AttributeValue>();
        put(attributes, "vm_id", text(root, "vmId"));
        put(attributes, "subscription_id", text(root, "subscriptionId"));
        put(attributes, "sku", text(root, "sku"));
        put(attributes, "license_type", text(root, "licenseType"));
        JsonNode plan = root.get("plan");
        if (plan != null && plan.isObject()) {
            put(attributes, "plan_name", text(plan, "name"));
            put(attributes, "plan_product", text(plan, "product"));
            put(attributes, "plan_publisher", text(plan, "publisher"));
        }
        return new AttestedContent(nonce, time(expires), attributes);
    }

    /** Refuses the document once IMDS's own expiry (plus leeway) has passed. */
    void checkNotExpired(Instant now, Duration leeway) {
        if (now.isAfter(expiresOn.plus(leeway))) {
            throw new DenialException(DenialReason.EXPIRED, "attested document expired");
        }
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text, IMDS_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "expiresOn does not parse");
        }
    }

    private static void put(Map<String, AttributeValue> out, String name, @Nullable String value) {
        if (value != null && !value.isEmpty()) {
            out.put(name, new AttributeValue.Str(value));
        }
    }

    private static @Nullable String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "content is not UTF-8");
        }
    }
}
