// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary AWS credentials from {@code sts:AssumeRole}. Immutable and thread-safe;
 * {@link #toString()} never shows the secret key or the session token.
 *
 * @param accessKeyId the access key id ({@code ASIA…})
 * @param secretAccessKey the secret access key
 * @param sessionToken the session token
 * @param expiration when they expire
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
        Instant expiration) {

    public AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiration, "expiration");
    }

    @Override
    public String toString() {
        return "AwsCredentials[accessKeyId=" + accessKeyId + ", expiration=" + expiration + "]";
    }
}
