// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import dev.vend.parse.Fields;
import dev.vend.verify.ClaimSpec;
import dev.vend.verify.IssuerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads one condition: a scalar is an exact value, {@code {anyOf: [...]}} a list of exact values,
 * {@code {pattern: "..."}} a glob. Values must have the attribute's declared type, so a boolean
 * never stands for the string {@code "true"}; unsafe patterns are refused.
 */
final class ConditionReader {

    private ConditionReader() {
    }

    static Condition.@Nullable Matcher read(Fields f, ClaimSpec spec, @Nullable Object raw,
            IssuerConfig issuer) {
        String where = "condition on '" + spec.attribute() + "'";
        if (raw == null) {
            // YAML reads "environment:" with nothing after it as null; never a wildcard.
            f.problem(where + " has no value");
            return null;
        }
        if (raw instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("anyOf") instanceof List<?> list) {
                return anyOf(f, spec, list, where);
            }
            if (map.size() == 1 && map.get("pattern") instanceof String pattern) {
                return glob(f, spec, pattern, issuer, where);
            }
            f.problem(where + " must be a value, {anyOf: [values]} or {pattern: glob}");
            return null;
        }
        return anyOf(f, spec, List.of(raw), where);
    }

    private static Condition.@Nullable Matcher anyOf(Fields f, ClaimSpec spec, List<?> raw,
            String where) {
        if (raw.isEmpty()) {
            f.problem(where + " lists no values");
            return null;
        }
        var values = new ArrayList<AttributeValue>();
        for (Object item : raw) {
            AttributeValue value = PolicyCompiler.typedValue(item, spec.type());
            if (value == null) {
                f.problem(where + ": " + describe(item) + " can never match a "
                        + typeName(spec.type()) + " attribute" + quoteHint(item, spec.type()));
                return null;
            }
            values.add(value);
        }
        return new Condition.AnyOf(values);
    }

    private static Condition.@Nullable Matcher glob(Fields f, ClaimSpec spec, String pattern,
            IssuerConfig issuer, String where) {
        if (spec.type() != AttributeType.STRING && spec.type() != AttributeType.STRING_LIST) {
            f.problem(where + ": patterns apply to string attributes only");
            return null;
        }
        if (pattern.replace("*", "").isEmpty()) {
            f.problem(where + ": pattern '" + pattern + "' matches anything; pin a value");
            return null;
        }
        int ownerSegment = issuer.preset().ownerSegment(spec.attribute());
        if (ownerSegment >= 0 && crossesOwner(pattern, ownerSegment)) {
            f.problem(where + ": pattern '" + pattern + "' puts a wildcard in the owner segment, "
                    + "so it can match another owner's repositories");
            return null;
        }
        return Condition.Glob.of(pattern);
    }

    /**
     * Whether a wildcard stands in the owner segment or before it, so the pattern could match
     * another owner's values. Segments are split at {@code /}; a {@code repo:} style prefix stays
     * part of segment 0, and a pattern with fewer segments is all owner.
     */
    static boolean crossesOwner(String pattern, int ownerSegment) {
        String[] segments = pattern.split("/", -1);
        for (int i = 0; i <= ownerSegment && i < segments.length; i++) {
            if (segments[i].contains("*")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(@Nullable Object item) {
        return item instanceof String s ? "\"" + s + "\"" : String.valueOf(item);
    }

    private static String typeName(AttributeType type) {
        return type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static String quoteHint(@Nullable Object item, AttributeType type) {
        boolean wantsString = type == AttributeType.STRING || type == AttributeType.STRING_LIST;
        boolean scalar = item instanceof Number || item instanceof Boolean;
        return wantsString && scalar ? " (quote it: \"" + item + "\")" : "";
    }
}
