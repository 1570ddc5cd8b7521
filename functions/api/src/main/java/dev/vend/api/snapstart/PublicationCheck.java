// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import dev.vend.RestoreAware;
import dev.vend.api.wiring.VendAssembly;
import dev.vend.issue.KeyRing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The key-state decision taken at start ({@link KeyRing#checkPublication}), taken again against
 * the restore's "now". A snapshot may be restored days after it was taken, when an active key's
 * {@code published_until} is too close to sign anything or a {@code published_since} has only
 * just passed; a decision from the snapshot's time must not stand (field case BUG-26).
 *
 * <p>{@link #afterRestore()} throws when the configuration is no longer safe, so the restore
 * fails and the environment serves nothing, exactly as a cold start with that configuration
 * would. Thread-safe.
 */
public final class PublicationCheck implements RestoreAware {

    private final KeyRing keys;
    private final Duration maxLifetime;
    private final Clock clock;
    private Instant checkedAt = Instant.MIN;

    /**
     * @param keys the signing keys
     * @param maxLifetime the deployment's cap on token lifetime
     * @param clock the clock the vending service uses
     */
    public PublicationCheck(KeyRing keys, Duration maxLifetime, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The check of an assembly's keys against its settings. */
    public static PublicationCheck of(VendAssembly assembly, Clock clock) {
        return new PublicationCheck(assembly.keys(),
                Duration.ofSeconds(assembly.settings().maxLifetimeSeconds()), clock);
    }

    /**
     * Checks the keys against the current time.
     *
     * @throws dev.vend.verify.InvalidConfigurationException listing every problem
     */
    public synchronized void check() {
        Instant now = clock.instant();
        keys.checkPublication(now, maxLifetime);
        checkedAt = now;
    }

    /** Forgets the snapshot's decision and decides again now. */
    @Override
    public synchronized void afterRestore() {
        checkedAt = Instant.MIN;
        check();
    }

    @Override
    public synchronized String restoreState() {
        return checkedAt.equals(Instant.MIN) ? NOTHING_CAPTURED
                : "key publication checked_at=" + checkedAt;
    }
}
