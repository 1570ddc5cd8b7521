// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.model.AttributeValue;
import dev.vend.verify.ClaimSpec;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IssuerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps a verified Google token to typed attributes by the gce preset's catalog. The
 * {@code google.compute_engine} block is required: Google signs tokens for every service account
 * and user, and only this block says the caller is a VM. {@code project_id}, {@code zone} and
 * {@code instance_id} must be strings and {@code project_number} a number, as Google sends them.
 */
final class GceMapping {

    static final List<String> REQUIRED_STRINGS = List.of("project_id", "zone", "instance_id");

    private GceMapping() {
    }

    static void requireComputeEngine(ObjectNode claims) {
        JsonNode google = claims.get("google");
        JsonNode block = google != null && google.isObject() ? google.get("compute_engine") : null;
        if (block == null || !block.isObject()) {
            throw new DenialException(DenialReason.MISSING_CLAIM,
                    "no google.compute_engine block: not a VM identity (format=full)");
        }
        for (String name : REQUIRED_STRINGS) {
            JsonNode value = block.get(name);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                throw new DenialException(DenialReason.MISSING_CLAIM, "compute_engine." + name);
            }
        }
        JsonNode number = block.get("project_number");
        if (number == null || !number.isIntegralNumber()) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "compute_engine.project_number");
        }
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isTextual() || sub.asText().isEmpty()) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "no service account id (sub)");
        }
    }

    static Map<String, AttributeValue> attributes(ObjectNode claims, IssuerConfig issuer) {
        var out = new LinkedHashMap<String, AttributeValue>();
        for (ClaimSpec spec : issuer.claimCatalog()) {
            AttributeValue value = typed(find(claims, spec.path()), spec);
            if (value != null) {
                out.put(spec.attribute(), value);
            }
        }
        return out;
    }

    /** The preset's immutable ids joined with {@code :}; {@code %} and {@code :} escaped. */
    static String immutableId(Map<String, AttributeValue> attributes, IssuerConfig issuer) {
        var parts = new ArrayList<String>();
        for (String name : issuer.preset().immutableIdClaims()) {
            AttributeValue value = attributes.get(name);
            if (value == null || value instanceof AttributeValue.StrList) {
                throw new DenialException(DenialReason.MISSING_CLAIM, "no immutable id " + name);
            }
            parts.add(String.valueOf(value.toJson()).replace("%", "%25").replace(":", "%3A"));
        }
        return String.join(":", parts);
    }

    private static @Nullable JsonNode find(ObjectNode claims, List<String> path) {
        JsonNode node = claims;
        for (String member : path) {
            node = node.isObject() ? node.get(member) : null;
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static @Nullable AttributeValue typed(@Nullable JsonNode node, ClaimSpec spec) {
        if (node == null) {
            return null;
        }
        return switch (spec.type()) {
            case STRING -> node.isTextual() ? new AttributeValue.Str(node.asText()) : null;
            case NUMBER -> node.isNumber() ? new AttributeValue.Num(node.decimalValue()) : null;
            case BOOLEAN -> node.isBoolean() ? new AttributeValue.Bool(node.asBoolean()) : null;
            case STRING_LIST -> strings(node);
        };
    }

    private static @Nullable AttributeValue strings(JsonNode node) {
        if (!node.isArray()) {
            return null;
        }
        var values = new ArrayList<String>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                return null;
            }
            values.add(item.asText());
        }
        return new AttributeValue.StrList(values);
    }
}
