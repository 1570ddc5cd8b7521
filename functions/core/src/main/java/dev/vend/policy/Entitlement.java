// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.model.AttributeValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one request may be issued, as the deciding policy entitles it.
 *
 * @param policyId the deciding policy
 * @param policyVersion its version hash
 * @param audiences the audiences of the token (requested and entitled)
 * @param scopes requested scopes intersected with entitled ones (all entitled when none asked)
 * @param lifetime the policy's lifetime cap
 * @param carried verified attributes the policy chose to carry into the token
 * @param awsSession for a request for AWS credentials, the AssumeRole call to make; else null
 */
public record Entitlement(
        String policyId,
        String policyVersion,
        List<String> audiences,
        Set<String> scopes,
        Duration lifetime,
        Map<String, AttributeValue> carried,
        @Nullable AwsSessionRequest awsSession) {

    public Entitlement {
        Objects.requireNonNull(policyId, "policyId");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(lifetime, "lifetime");
        audiences = List.copyOf(audiences);
        scopes = Set.copyOf(scopes);
        carried = Map.copyOf(carried);
    }

    /** An entitlement to an access token. */
    public Entitlement(String policyId, String policyVersion, List<String> audiences,
            Set<String> scopes, Duration lifetime, Map<String, AttributeValue> carried) {
        this(policyId, policyVersion, audiences, scopes, lifetime, carried, null);
    }
}
