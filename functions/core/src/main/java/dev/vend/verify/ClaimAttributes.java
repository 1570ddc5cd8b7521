// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.model.AttributeValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps verified JWT claims to typed attributes, as the issuer's claim catalog declares them, for
 * the OIDC and GCE verifiers. A claim of another JSON type than declared is left out, so it can
 * never match a policy: a GitLab {@code project_id} sent as a list does not satisfy a policy
 * pinning one project. Stateless and thread-safe.
 */
public final class ClaimAttributes {

    private ClaimAttributes() {
    }

    /** The typed attributes of verified claims, by the issuer entry's claim catalog. */
    public static Map<String, AttributeValue> attributes(ObjectNode claims, IssuerConfig issuer) {
        var out = new LinkedHashMap<String, AttributeValue>();
        for (ClaimSpec spec : issuer.claimCatalog()) {
            AttributeValue value = typed(find(claims, spec.path()), spec);
            if (value != null) {
                out.put(spec.attribute(), value);
            }
        }
        return out;
    }

    /**
     * The immutable id Vend builds {@code sub} from: the preset's id claims, in order, joined
     * with {@code :}. A {@code %} or {@code :} inside a value is percent-encoded, so two different
     * sets of ids never join to the same text.
     */
    public static String immutableId(Map<String, AttributeValue> attributes, IssuerConfig issuer) {
        var parts = new ArrayList<String>();
        for (String name : issuer.preset().immutableIdClaims()) {
            AttributeValue value = attributes.get(name);
            String text = value == null ? "" : String.valueOf(value.toJson());
            if (text.isEmpty() || value instanceof AttributeValue.StrList) {
                throw new DenialException(DenialReason.MISSING_CLAIM, "no immutable id " + name);
            }
            parts.add(text.replace("%", "%25").replace(":", "%3A"));
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
            case STRING_LIST -> stringList(node);
        };
    }

    private static @Nullable AttributeValue stringList(JsonNode node) {
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
