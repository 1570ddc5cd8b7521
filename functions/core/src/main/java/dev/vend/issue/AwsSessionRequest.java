// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One {@code sts:AssumeRole} call Vend is about to make for a workload: the role, the session's
 * name, its tags (always including {@link AwsSessionRules#POLICY_ID_TAG}), its source identity,
 * an optional session policy and its duration. Immutable and thread-safe.
 *
 * @param roleArn the role to assume
 * @param sessionName the role session name
 * @param tags session tags, key to value; copied in key order
 * @param sourceIdentity the source identity, or null
 * @param sessionPolicy an inline session policy (JSON), or null
 * @param duration the session's duration, at most one hour (role chaining)
 */
public record AwsSessionRequest(String roleArn, String sessionName, Map<String, String> tags,
        @Nullable String sourceIdentity, @Nullable String sessionPolicy, Duration duration) {

    public AwsSessionRequest {
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(sessionName, "sessionName");
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        Objects.requireNonNull(duration, "duration");
    }
}
