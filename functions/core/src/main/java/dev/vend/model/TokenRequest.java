// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed RFC 8693 token exchange request. Parsing established only its shape: nothing in it is
 * verified.
 *
 * @param requestId the request id Vend assigned (fixed length), echoed in errors and audit
 * @param attestation the subject token and its type
 * @param audiences requested audiences ({@code audience} and {@code resource}), possibly empty
 * @param scopes requested scopes, possibly empty
 * @param requestedTokenType the {@code requested_token_type}, or null for the default
 */
public record TokenRequest(
        String requestId,
        Attestation attestation,
        List<String> audiences,
        Set<String> scopes,
        @Nullable String requestedTokenType) {

    public TokenRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(attestation, "attestation");
        audiences = List.copyOf(audiences);
        scopes = Set.copyOf(scopes);
    }

    /** The requested token type, defaulting to an access token. */
    public String requestedTokenTypeOrDefault() {
        return Optional.ofNullable(requestedTokenType).orElse(TokenTypes.ACCESS_TOKEN);
    }
}
