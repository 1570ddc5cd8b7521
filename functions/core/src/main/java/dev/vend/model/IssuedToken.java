// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A token Vend issued, ready for the RFC 8693 §2.2.1 response. Its {@link #toString()} never
 * shows the token.
 *
 * @param accessToken the compact JWT (or the AWS session token)
 * @param issuedTokenType the RFC 8693 {@code issued_token_type}
 * @param tokenType {@code Bearer}, or {@code N_A} for AWS credentials
 * @param jti the token's unique id
 * @param issuedAt when it was issued
 * @param expiresAt when it expires
 * @param scopes the scopes it carries
 * @param awsCredentials for AWS credentials, the session's credentials, rendered as the AWS
 *     CLI {@code credential_process} members; null for access tokens
 */
public record IssuedToken(
        String accessToken,
        String issuedTokenType,
        String tokenType,
        String jti,
        Instant issuedAt,
        Instant expiresAt,
        Set<String> scopes,
        @Nullable AwsCredentials awsCredentials) {

    public IssuedToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(issuedTokenType, "issuedTokenType");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Set.copyOf(scopes);
    }

    /** An issued access token. */
    public IssuedToken(String accessToken, String issuedTokenType, String tokenType, String jti,
            Instant issuedAt, Instant expiresAt, Set<String> scopes) {
        this(accessToken, issuedTokenType, tokenType, jti, issuedAt, expiresAt, scopes, null);
    }

    /** Seconds from issue to expiry, as {@code expires_in}. */
    public long expiresInSeconds() {
        return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
    }

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", expiresAt=" + expiresAt + "]";
    }
}
