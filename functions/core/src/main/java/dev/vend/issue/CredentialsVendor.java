// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import dev.vend.model.AwsCredentials;

/**
 * Vends temporary AWS credentials: in Lambda, {@code sts:AssumeRole} through
 * {@code dev.vend.aws.sts.StsCredentialsVendor}. Implementations are thread-safe.
 */
public interface CredentialsVendor {

    /**
     * Assumes the role.
     *
     * @param request a request that {@link AwsSessionRules#problems} accepts
     * @return the session's credentials, never null
     * @throws dev.vend.verify.VendingFailure transient for throttling and timeouts, permanent
     *     for everything retrying can not fix (access denied, a malformed request); the message
     *     holds no AWS error message
     */
    AwsCredentials assumeRole(AwsSessionRequest request);
}
