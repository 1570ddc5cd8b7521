// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configured signing key: its reference (a KMS key ARN, or a local file), its rotation state,
 * its public JWK (whose {@code kid} is the RFC 7638 thumbprint, so the JWKS and token headers
 * always agree) and the signer that uses it.
 *
 * @param reference the KMS key ARN (never an alias) or {@code file:<path>} for a local key
 * @param state next, active or retiring
 * @param publishedUntil when it leaves the JWKS, or null while it has no end date
 * @param publicJwk the public key as published, with {@code kid}, {@code alg} and {@code use}
 * @param signer signs with it; for KMS, one {@code Sign} call per token
 */
public record SigningKey(
        String reference,
        KeyState state,
        @Nullable Instant publishedUntil,
        JWK publicJwk,
        JWSSigner signer) {

    public SigningKey {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(publicJwk, "publicJwk");
        Objects.requireNonNull(signer, "signer");
        if (publicJwk.isPrivate()) {
            throw new IllegalArgumentException("the published JWK must be public only");
        }
    }

    /** The key id: the RFC 7638 thumbprint of the public key. */
    public String keyId() {
        return publicJwk.getKeyID();
    }

    /** The algorithm this key signs with. */
    public JWSAlgorithm algorithm() {
        return JWSAlgorithm.parse(publicJwk.getAlgorithm().getName());
    }

    /** Whether it is still published at the instant. */
    public boolean publishedAt(Instant instant) {
        return publishedUntil == null || instant.isBefore(publishedUntil);
    }
}
