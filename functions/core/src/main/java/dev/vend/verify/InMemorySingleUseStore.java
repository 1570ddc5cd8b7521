// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A single-use store for one process: the local server, tests and SnapStart priming. A value
 * whose recorded expiry has passed counts as absent, checked in the same atomic update that
 * records the new one; expired entries are swept at most once a second. Thread-safe.
 *
 * <p><strong>Limitation:</strong> values are kept in this process only, so two local servers do
 * not share what they consumed. Lambda uses the DynamoDB store instead.
 */
public final class InMemorySingleUseStore implements SingleUseStore {

    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    private final ConcurrentMap<String, Instant> consumed = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    @Override
    public boolean consume(String key, Instant expiresAt, Instant now) {
        sweepIfDue(now);
        boolean[] first = {false};
        consumed.compute(key, (k, existing) -> {
            if (existing == null || existing.isBefore(now)) {
                first[0] = true;
                return expiresAt;
            }
            return existing;
        });
        return first[0];
    }

    private void sweepIfDue(Instant now) {
        Instant due = nextSweep.get();
        if (!now.isBefore(due) && nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
            consumed.values().removeIf(expiry -> expiry.isBefore(now));
        }
    }
}
