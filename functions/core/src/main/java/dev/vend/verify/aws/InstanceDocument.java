// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.model.AttributeValue;
import dev.vend.parse.Json;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An EC2 instance identity document
 * (<a href="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-identity-documents.html">
 * Instance identity documents</a>), read from the bytes a signature covers.
 *
 * @param account the account id
 * @param region the region
 * @param instanceId the instance id
 * @param attributes every mapped attribute: {@code account}, {@code region},
 *     {@code availability_zone}, {@code instance_id}, {@code image_id}, {@code instance_type},
 *     {@code pending_time}, {@code private_ip}, {@code architecture}
 */
record InstanceDocument(String account, String region, String instanceId,
        Map<String, AttributeValue> attributes) {

    static final int MAX_BYTES = 8 * 1024;
    private static final Json.Reader JSON =
            Json.reader(new Json.Limits(8, MAX_BYTES, 40, false));

    /** Reads only the region, before any signature is checked, to choose the certificate. */
    static String regionBeforeVerification(byte[] unverified) {
        String region = text(read(unverified), "region");
        if (region == null) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "document names no region");
        }
        return region;
    }

    /** Reads the identity from verified bytes. */
    static InstanceDocument fromSigned(byte[] signed) {
        JsonNode root = read(signed);
        var attributes = new LinkedHashMap<String, AttributeValue>();
        put(attributes, "account", text(root, "accountId"));
        put(attributes, "region", text(root, "region"));
        put(attributes, "availability_zone", text(root, "availabilityZone"));
        put(attributes, "instance_id", text(root, "instanceId"));
        put(attributes, "image_id", text(root, "imageId"));
        put(attributes, "instance_type", text(root, "instanceType"));
        put(attributes, "pending_time", text(root, "pendingTime"));
        put(attributes, "private_ip", text(root, "privateIp"));
        put(attributes, "architecture", text(root, "architecture"));
        String account = text(root, "accountId");
        String region = text(root, "region");
        String instance = text(root, "instanceId");
        if (account == null || !account.matches("[0-9]{12}") || region == null
                || instance == null || !instance.matches("i-[0-9a-f]{8,17}")) {
            throw new DenialException(DenialReason.MISSING_CLAIM,
                    "document lacks a valid accountId, region or instanceId");
        }
        return new InstanceDocument(account, region, instance, attributes);
    }

    private static JsonNode read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "document too large");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            JsonNode node = JSON.read(text);
            if (node == null || !node.isObject()) {
                throw new DenialException(DenialReason.MALFORMED_TOKEN, "document not an object");
            }
            return node;
        } catch (CharacterCodingException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "document is not UTF-8");
        } catch (IOException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "document is not strict JSON");
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
}
