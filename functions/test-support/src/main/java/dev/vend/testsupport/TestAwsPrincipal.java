// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One set of test AWS credentials and the principal STS names for them: what a workload signs
 * its {@code GetCallerIdentity} request with ({@link TestIamProofs}), and what STS answers for it
 * ({@link #callerIdentityResponse()}).
 *
 * @param accessKey the access key id
 * @param secret the secret access key
 * @param sessionToken the session token of temporary credentials, empty for long-term ones
 * @param account the 12-digit account id STS answers
 * @param arn the ARN STS answers
 * @param userId the {@code UserId} STS answers (role id and session name for a role session)
 */
public record TestAwsPrincipal(String accessKey, String secret, String sessionToken,
        String account, String arn, String userId) {

    public TestAwsPrincipal {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(userId, "userId");
    }

    /**
     * STS's successful answer to {@code GetCallerIdentity} for this principal, in the query
     * protocol's XML (<a
     * href="https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html">API
     * reference</a>), UTF-8.
     */
    public byte[] callerIdentityResponse() {
        return ("<GetCallerIdentityResponse "
                + "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                + "<Arn>" + arn + "</Arn><UserId>" + userId + "</UserId>"
                + "<Account>" + account + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>0</RequestId></ResponseMetadata>"
                + "</GetCallerIdentityResponse>").getBytes(StandardCharsets.UTF_8);
    }
}
