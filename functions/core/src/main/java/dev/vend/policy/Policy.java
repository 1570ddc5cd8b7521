// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A compiled policy: checked against the schema and every guard rail before the engine ever sees
 * it. Immutable.
 *
 * @param id unique policy id; becomes the issued token's {@code client_id}
 * @param description what it is for
 * @param issuerId the registry id of the issuer whose identities it applies to
 * @param mode whether it issues or only records what it would have done
 * @param priority higher wins among policies that match and entitle a request
 * @param disabled a disabled policy matches nothing
 * @param conditions every condition must hold; never empty
 * @param audiences audiences it may issue for; never empty
 * @param scopes scopes it may issue
 * @param maxLifetime the longest token it issues
 * @param carry verified attributes copied into the issued token
 * @param version hex SHA-256 over the document's canonical JSON form (RFC 8785)
 * @param awsRole the AWS role it may vend credentials for ({@code issue.awsRole}), or null
 */
public record Policy(
        String id,
        String description,
        String issuerId,
        Mode mode,
        int priority,
        boolean disabled,
        List<Condition> conditions,
        List<String> audiences,
        Set<String> scopes,
        Duration maxLifetime,
        List<String> carry,
        String version,
        @Nullable AwsRole awsRole) {

    public Policy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuerId, "issuerId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(version, "version");
        conditions = List.copyOf(conditions);
        audiences = List.copyOf(audiences);
        scopes = Set.copyOf(scopes);
        carry = List.copyOf(carry);
    }

    /** A policy that vends access tokens only. */
    public Policy(String id, String description, String issuerId, Mode mode, int priority,
            boolean disabled, List<Condition> conditions, List<String> audiences,
            Set<String> scopes, Duration maxLifetime, List<String> carry, String version) {
        this(id, description, issuerId, mode, priority, disabled, conditions, audiences, scopes,
                maxLifetime, carry, version, null);
    }

    /** Whether a policy issues or only records. */
    public enum Mode {
        /** Matches issue tokens. */
        ENFORCE,
        /** Matches are evaluated and recorded; nothing is issued. */
        AUDIT
    }
}
