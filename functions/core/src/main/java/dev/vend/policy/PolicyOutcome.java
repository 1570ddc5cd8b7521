// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.verify.DenialReason;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one candidate policy fared against one request: for the audit record and for
 * {@code vend explain}. Never sent to callers.
 *
 * @param policyId the policy
 * @param version its version hash
 * @param mode enforce or audit
 * @param conditions each condition and whether it held
 * @param matched whether every condition held (and the policy is enabled)
 * @param refusal why a matching policy did not entitle the request, or null if it did
 */
public record PolicyOutcome(
        String policyId,
        String version,
        Policy.Mode mode,
        List<ConditionResult> conditions,
        boolean matched,
        @Nullable DenialReason refusal) {

    public PolicyOutcome {
        Objects.requireNonNull(policyId, "policyId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(mode, "mode");
        conditions = List.copyOf(conditions);
    }

    /** Whether this policy matched and would issue for the request. */
    public boolean entitles() {
        return matched && refusal == null;
    }

    /**
     * One condition's result.
     *
     * @param attribute the attribute
     * @param rule the condition, readable
     * @param held whether it held
     */
    public record ConditionResult(String attribute, String rule, boolean held) {
    }
}
