// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock of one execution environment under test: it stands at a whole second near the real
 * time (so tokens and SigV4 dates look current) until the test moves it, which ages every cache
 * without waiting. Thread-safe.
 */
final class TestClock extends Clock {

    private volatile Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());

    /** Moves the clock forward. */
    void advance(Duration step) {
        now = now.plus(step);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
