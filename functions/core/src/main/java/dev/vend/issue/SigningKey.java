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
 * @param retiredAt for a retiring key, when it stopped signing; null otherwise
 * @param publishedSince when it entered the JWKS, or null if not configured
 *
 * <p>Immutable; thread-safe when its signer is (Nimbus's and {@code KmsJwsSigner} are).
 */
public record SigningKey(
        String reference,
        KeyState state,
        @Nullable Instant publishedUntil,
        JWK publicJwk,
        JWSSigner signer,
        @Nullable Instant retiredAt,
        @Nullable Instant publishedSince) {

    public SigningKey {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(publicJwk, "publicJwk");
        Objects.requireNonNull(signer, "signer");
        if (publicJwk.isPrivate()) {
            throw new IllegalArgumentException("the published JWK must be public only");
        }
    }

    /** A key without {@code retiredAt} or {@code publishedSince}. */
    public SigningKey(String reference, KeyState state, @Nullable Instant publishedUntil,
            JWK publicJwk, JWSSigner signer) {
        this(reference, state, publishedUntil, publicJwk, signer, null, null);
    }

    /**
     * The configured key with its public key and signer.
     *
     * @param config the key as configured
     * @param publicJwk its public JWK with thumbprint {@code kid}, {@code alg} and {@code use}
     * @param signer signs with it
     */
    public static SigningKey of(SigningKeyConfig config, JWK publicJwk, JWSSigner signer) {
        return new SigningKey(config.arn(), config.state(), config.publishedUntil(), publicJwk,
                signer, config.retiredAt(), config.publishedSince());
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
