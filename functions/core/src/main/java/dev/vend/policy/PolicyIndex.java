// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import dev.vend.model.VerifiedIdentity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One issuer's policies, indexed on the attribute whose exact values split them most finely (for
 * GitHub typically {@code repository_owner_id}, for a generic issuer {@code sub}), so evaluation
 * costs what the policies that could match cost, not what the issuer's whole set costs. A policy
 * whose exact condition on that attribute names other values can never match, since every
 * condition must hold; policies without such a condition are always candidates. Immutable.
 */
final class PolicyIndex {

    private final @Nullable String attribute;
    private final List<Policy> all;
    private final List<Policy> unindexed;
    private final Map<String, List<Policy>> byValue;

    private PolicyIndex(@Nullable String attribute, List<Policy> all, List<Policy> unindexed,
            Map<String, List<Policy>> byValue) {
        this.attribute = attribute;
        this.all = all;
        this.unindexed = unindexed;
        this.byValue = byValue;
    }

    static PolicyIndex of(List<Policy> policies) {
        String attribute = mostPinned(policies);
        var unindexed = new ArrayList<Policy>();
        var byValue = new HashMap<String, List<Policy>>();
        for (Policy policy : policies) {
            List<String> keys = attribute == null ? List.of() : exactKeys(policy, attribute);
            if (keys.isEmpty()) {
                unindexed.add(policy);
            }
            keys.forEach(key -> byValue.computeIfAbsent(key, k -> new ArrayList<>()).add(policy));
        }
        byValue.replaceAll((key, list) -> List.copyOf(list));
        return new PolicyIndex(attribute, List.copyOf(policies), List.copyOf(unindexed),
                Map.copyOf(byValue));
    }

    /** The policies that could match the identity. */
    List<Policy> candidates(VerifiedIdentity identity) {
        if (attribute == null) {
            return all;
        }
        Optional<AttributeValue> value = identity.attribute(attribute);
        if (value.isEmpty()) {
            // A missing attribute never matches, so no indexed policy can.
            return unindexed;
        }
        String key = key(value.get());
        if (key == null) {
            return all;
        }
        List<Policy> hits = byValue.getOrDefault(key, List.of());
        if (hits.isEmpty()) {
            return unindexed;
        }
        var candidates = new ArrayList<Policy>(unindexed.size() + hits.size());
        candidates.addAll(unindexed);
        candidates.addAll(hits);
        return candidates;
    }

    /**
     * The attribute with the most distinct exact values across the policies, so the index splits
     * them as finely as it can (ties: the one pinned by more policies, then by name).
     */
    private static @Nullable String mostPinned(List<Policy> policies) {
        var values = new HashMap<String, Set<String>>();
        var counts = new HashMap<String, Integer>();
        for (Policy policy : policies) {
            for (Condition condition : policy.conditions()) {
                if (indexable(condition)) {
                    counts.merge(condition.attribute(), 1, Integer::sum);
                    values.computeIfAbsent(condition.attribute(), k -> new HashSet<>())
                            .addAll(exactKeys(policy, condition.attribute()));
                }
            }
        }
        return counts.keySet().stream()
                .max(Comparator.<String>comparingInt(name -> values.get(name).size())
                        .thenComparingInt(counts::get)
                        .thenComparing(Comparator.<String>reverseOrder()))
                .orElse(null);
    }

    private static List<String> exactKeys(Policy policy, String attribute) {
        for (Condition condition : policy.conditions()) {
            if (condition.attribute().equals(attribute) && indexable(condition)) {
                var keys = new ArrayList<String>();
                for (AttributeValue value : ((Condition.AnyOf) condition.matcher()).values()) {
                    keys.add(key(value));
                }
                return keys;
            }
        }
        return List.of();
    }

    /** Exact values on a scalar attribute; list attributes match element-wise, so never. */
    private static boolean indexable(Condition condition) {
        return condition.matcher() instanceof Condition.AnyOf
                && condition.type() != AttributeType.STRING_LIST;
    }

    /** One spelling per value and type; numbers compare by value. Null for lists. */
    private static @Nullable String key(AttributeValue value) {
        if (value instanceof AttributeValue.Str str) {
            return "s:" + str.value();
        }
        if (value instanceof AttributeValue.Num num) {
            return "n:" + num.value().stripTrailingZeros().toPlainString();
        }
        if (value instanceof AttributeValue.Bool bool) {
            return "b:" + bool.value();
        }
        return null;
    }
}
