// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import dev.vend.challenge.Challenges;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.SingleUseStore;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single-use store of the cloud verifier benchmarks. Every call goes to a real
 * {@link InMemorySingleUseStore}, so a verification pays what it pays on the local server, but a
 * challenge that {@link Challenges} handed out stays usable after it was consumed: one signed
 * proof can then be verified again and again in a benchmark loop, as a cloud proof could not
 * otherwise be. A challenge that was never handed out, or has expired, is still refused.
 * Thread-safe.
 */
final class ReusableChallengeStore implements SingleUseStore {

    /**
     * The key prefix under which {@link Challenges} records a consumed challenge. The benchmark
     * smoke test verifies each proof twice, so it fails if this prefix ever drifts.
     */
    static final String CONSUMED = "challenge:used:";

    private final SingleUseStore store = new InMemorySingleUseStore();
    private final AtomicLong consumed = new AtomicLong();

    @Override
    public boolean consume(String key, Instant expiresAt, Instant now) {
        boolean first = store.consume(key, expiresAt, now);
        if (key.startsWith(CONSUMED)) {
            consumed.incrementAndGet();
            return true;
        }
        return first;
    }

    /** How many times a challenge was consumed, including again. */
    long challengesConsumed() {
        return consumed.get();
    }
}
