// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import dev.vend.model.AttributeValue;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Condition;
import dev.vend.policy.Policy;
import dev.vend.verify.IssuerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a policy lives in the policy table, and where one request looks for its candidates.
 *
 * <p><strong>Keys.</strong> Partition key {@value #PARTITION_KEY} (string), sort key
 * {@value #SORT_KEY} (string, the policy id). For a single-tenant issuer the partition is the
 * issuer's registry id ({@code cluster-a}). For a multi-tenant issuer it is the registry id, a
 * {@code #} and the value of the issuer's <em>partition claim</em>, the first of its
 * {@code pinnedClaims} ({@code github-actions#1001} for {@code repository_owner_id} 1001). A
 * policy pinning that claim to any of several values is stored once per value. Registry ids hold
 * no {@code #}, so a partition key splits at its first {@code #} without ambiguity.
 *
 * <p>One request therefore reads its candidates with one strongly consistent {@code Query} on a
 * single partition: only the policies of its issuer and its tenant, never every policy of a
 * multi-tenant issuer.
 *
 * <p><strong>The rule this adds.</strong> The compiler lets a policy on a multi-tenant issuer
 * pin <em>any one</em> of the pinned claims. Stored in DynamoDB, it must pin the partition claim
 * exactly, or no request could find it; {@link #partitionKeys} refuses it with a message naming
 * the policy and the claim, and {@code vend policy lint} applies the same rule.
 *
 * <p><strong>Items.</strong> Besides the keys, {@value #DOCUMENT} (string: the policy document as
 * canonical JSON, RFC 8785) and {@value #VERSION} (string: its version hash). No other attribute
 * is allowed.
 *
 * <p>Values are rendered as text: a string as it is, a number in plain notation without trailing
 * zeros ({@code 1.50} and {@code 1.5} are one partition, as they are one value to a condition), a
 * boolean as {@code true} or {@code false}. A list-valued partition claim is not supported: such
 * policies are refused and such identities find nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class PolicyTableLayout {

    /** The partition key attribute. */
    public static final String PARTITION_KEY = "pk";
    /** The sort key attribute: the policy id. */
    public static final String SORT_KEY = "sk";
    /** The policy document as canonical JSON text. */
    public static final String DOCUMENT = "document";
    /** The document's version hash. */
    public static final String VERSION = "version";
    /** Every attribute an item has; an item with any other is refused. */
    public static final Set<String> ATTRIBUTES = Set.of(PARTITION_KEY, SORT_KEY, DOCUMENT, VERSION);

    /** DynamoDB's limit on a partition key value, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 2048;

    private static final char SEPARATOR = '#';

    private PolicyTableLayout() {
    }

    /**
     * The partition a request of this identity reads, or empty when it can have no candidates: a
     * multi-tenant identity without a usable partition claim value.
     *
     * @param identity the verified identity
     * @param issuer its issuer's registry entry
     */
    public static Optional<String> partitionKey(VerifiedIdentity identity, IssuerConfig issuer) {
        if (!issuer.multiTenant()) {
            return Optional.of(issuer.id());
        }
        return partitionClaim(issuer)
                .flatMap(identity::attribute)
                .flatMap(PolicyTableLayout::render)
                .map(value -> issuer.id() + SEPARATOR + value)
                // No policy can be stored under a longer key, and querying one would be a
                // validation error: a permanent failure an issuer's odd value must not cause.
                .filter(key -> key.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES);
    }

    /**
     * Every partition a compiled policy is stored in.
     *
     * @param policy the compiled policy
     * @param issuer its issuer's registry entry
     * @return one key for a single-tenant issuer, one per pinned value for a multi-tenant one
     * @throws IllegalArgumentException naming the policy and the rule, if a multi-tenant
     *     policy does not pin the partition claim to exact values
     */
    public static List<String> partitionKeys(Policy policy, IssuerConfig issuer) {
        if (!issuer.multiTenant()) {
            return List.of(issuer.id());
        }
        String claim = partitionClaim(issuer).orElseThrow(() -> new IllegalArgumentException(
                "issuer " + issuer.id() + " serves many tenants but names no pinned claim"));
        var keys = new ArrayList<String>();
        for (Condition condition : policy.conditions()) {
            if (condition.attribute().equals(claim)
                    && condition.matcher() instanceof Condition.AnyOf anyOf) {
                for (AttributeValue value : anyOf.values()) {
                    render(value).ifPresent(text -> keys.add(issuer.id() + SEPARATOR + text));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("issuer " + issuer.id() + " serves many tenants: "
                    + "to be stored in the policy table a policy must pin " + claim
                    + " (the issuer's first pinned claim) with exact values");
        }
        return keys.stream().distinct().toList();
    }

    /** The issuer registry id a partition key belongs to. */
    public static String issuerIdOf(String partitionKey) {
        int separator = partitionKey.indexOf(SEPARATOR);
        return separator < 0 ? partitionKey : partitionKey.substring(0, separator);
    }

    private static Optional<String> partitionClaim(IssuerConfig issuer) {
        return issuer.pinnedClaims().stream().findFirst();
    }

    private static Optional<String> render(AttributeValue value) {
        if (value instanceof AttributeValue.Str s) {
            return s.value().isEmpty() ? Optional.empty() : Optional.of(s.value());
        }
        if (value instanceof AttributeValue.Num n) {
            return Optional.of(n.value().stripTrailingZeros().toPlainString());
        }
        if (value instanceof AttributeValue.Bool b) {
            return Optional.of(Boolean.toString(b.value()));
        }
        return Optional.empty();
    }
}
