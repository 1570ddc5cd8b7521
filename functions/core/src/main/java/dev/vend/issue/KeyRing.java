// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configured signing keys. Publishes {@code next}, {@code active} and {@code retiring} keys
 * until their {@code published_until}; signs with the one active key. Refuses, at start and after
 * every restore, a configuration where a key could leave the JWKS before a token it signed has
 * expired and aged out of relying parties' caches. Immutable and thread-safe.
 */
public final class KeyRing {

    private final List<SigningKey> keys;
    private final SigningKey active;
    private final Duration jwksMaxAge;

    /**
     * @param keys the configured keys
     * @param jwksMaxAge how long relying parties may cache the JWKS ({@code Cache-Control})
     * @throws InvalidConfigurationException unless exactly one key is active
     */
    public KeyRing(List<SigningKey> keys, Duration jwksMaxAge) {
        this.keys = List.copyOf(keys);
        this.jwksMaxAge = Objects.requireNonNull(jwksMaxAge, "jwksMaxAge");
        List<SigningKey> actives = keys.stream().filter(k -> k.state() == KeyState.ACTIVE).toList();
        if (actives.size() != 1) {
            throw new InvalidConfigurationException(List.of("signing keys: exactly one key must be "
                    + "active, found " + actives.size()));
        }
        this.active = actives.get(0);
    }

    /**
     * Checks that no token can outlive its key's publication.
     *
     * @param now the current instant
     * @param maxLifetime the longest token any policy may issue
     * @throws InvalidConfigurationException listing every problem
     */
    public void checkPublication(Instant now, Duration maxLifetime) {
        var problems = new ArrayList<String>();
        Instant mustStayUntil = now.plus(maxLifetime).plus(jwksMaxAge);
        for (SigningKey key : keys) {
            boolean signed = key.state() != KeyState.NEXT;
            if (signed && key.publishedUntil() != null && key.publishedUntil().isBefore(mustStayUntil)) {
                problems.add("signing key " + key.reference() + " (" + key.state() + ") leaves the "
                        + "JWKS at " + key.publishedUntil() + ", before tokens it signed expire and "
                        + "leave caches (" + mustStayUntil + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    /** The key that signs new tokens. */
    public SigningKey active() {
        return active;
    }

    /** The JWKS to publish at the instant: public keys only. */
    public JWKSet published(Instant now) {
        List<JWK> jwks = keys.stream().filter(k -> k.publishedAt(now))
                .map(SigningKey::publicJwk).toList();
        return new JWKSet(jwks);
    }

    /** How long relying parties may cache the JWKS. */
    public Duration jwksMaxAge() {
        return jwksMaxAge;
    }

    /**
     * The latest expiry a token signed now may have: the active key's publication end, less the
     * JWKS cache age, so the key is still published wherever the token is checked.
     */
    public Instant latestExpiry(Instant now, Duration wanted) {
        Instant expiry = now.plus(wanted);
        Instant until = active.publishedUntil();
        if (until != null && expiry.isAfter(until.minus(jwksMaxAge))) {
            return until.minus(jwksMaxAge);
        }
        return expiry;
    }

    /** Every configured key. */
    public List<SigningKey> keys() {
        return keys;
    }
}
