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
     * Checks that no token can outlive its key's publication, and that the active key is one
     * relying parties can already hold. The rules, per state (ADR 0007):
     * <ul>
     *   <li>{@code retiring}: it signed until {@code retired_at}, so its last token expires by
     *       {@code retired_at + maxLifetime}, and a relying party may still be fetching the JWKS
     *       for another {@code jwksMaxAge}. It must stay published until
     *       {@code retired_at + maxLifetime + jwksMaxAge}. This rule does not depend on the time
     *       of the check, so a valid rotation stays valid across restarts and SnapStart
     *       restores.</li>
     *   <li>{@code active}: every token it signs is cut to expire by
     *       {@code published_until - jwksMaxAge} ({@link #latestExpiry}); the ring is refused
     *       only once that is no later than {@code now}, when it could sign nothing. With a
     *       {@code published_since}, it is refused until {@code published_since + jwksMaxAge},
     *       so every relying party that honours {@code Cache-Control} holds it before it signs.
     *   </li>
     *   <li>{@code next}: signs nothing, so needs no date.</li>
     * </ul>
     *
     * @param now the current instant (at start, and again after every restore)
     * @param maxLifetime the longest token any policy may issue
     * @throws InvalidConfigurationException listing every problem
     */
    public void checkPublication(Instant now, Duration maxLifetime) {
        var problems = new ArrayList<String>();
        for (SigningKey key : keys) {
            switch (key.state()) {
                case RETIRING -> checkRetiring(key, maxLifetime, problems);
                case ACTIVE -> checkActive(key, now, problems);
                case NEXT -> {
                    // Signed nothing: publishing it for any time is safe.
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    private void checkRetiring(SigningKey key, Duration maxLifetime, List<String> problems) {
        Instant retiredAt = key.retiredAt();
        if (retiredAt == null) {
            problems.add("signing key " + key.reference() + " (RETIRING) has no retired_at: "
                    + "without the time it stopped signing, its tokens' expiry is unknown");
            return;
        }
        Instant mustStayUntil = retiredAt.plus(maxLifetime).plus(jwksMaxAge);
        Instant until = key.publishedUntil();
        if (until != null && until.isBefore(mustStayUntil)) {
            problems.add("signing key " + key.reference() + " (RETIRING) leaves the JWKS at "
                    + until + ", before tokens it signed until " + retiredAt + " expire and "
                    + "leave caches (" + mustStayUntil + ")");
        }
    }

    private void checkActive(SigningKey key, Instant now, List<String> problems) {
        Instant until = key.publishedUntil();
        if (until != null && !until.minus(jwksMaxAge).isAfter(now)) {
            problems.add("signing key " + key.reference() + " (ACTIVE) leaves the JWKS at "
                    + until + ": less than the JWKS cache age (" + jwksMaxAge + ") from now, so "
                    + "it can sign no token");
        }
        Instant since = key.publishedSince();
        if (since != null && now.isBefore(since.plus(jwksMaxAge))) {
            problems.add("signing key " + key.reference() + " (ACTIVE) was published at " + since
                    + ": relying parties may not hold it before " + since.plus(jwksMaxAge)
                    + "; keep it next until then");
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
