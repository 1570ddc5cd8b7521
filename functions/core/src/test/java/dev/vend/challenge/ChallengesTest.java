// SPDX-License-Identifier: Apache-2.0
package dev.vend.challenge;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.RestoreAware;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.MutableClock;
import dev.vend.verify.SingleUseStore;
import dev.vend.verify.VendingFailure;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Challenges on the single-use store: shape, lifetime, one use, and what a refusal says. */
class ChallengesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final RecordingStore store = new RecordingStore(new InMemorySingleUseStore());
    private final Challenges challenges = new Challenges(store, clock);

    @Test
    void issueWhenCalledThenThirtyTwoLowercaseAlphanumericsValidFiveMinutes() {
        Challenges.Issued issued = challenges.issue();

        assertThat(issued.value()).matches("[a-z0-9]{32}");
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(issued.expiresInSeconds()).isEqualTo(300);
        assertThat(store.keys).containsExactly("challenge:issued:" + issued.value());
    }

    @Test
    void issueWhenCalledManyTimesThenEveryValueDiffers() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            seen.add(challenges.issue().value());
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void afterRestoreWhenAChallengeWasIssuedThenTheNextIsDrawnFromANewGenerator() {
        var made = new ArrayList<CountingRandom>();
        var renewing = new Challenges(store, clock, () -> {
            made.add(new CountingRandom());
            return made.get(made.size() - 1);
        });
        renewing.issue();
        assertThat(renewing.restoreState()).isEqualTo("challenge random generator held");

        renewing.afterRestore();
        assertThat(renewing.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
        String afterRestore = renewing.issue().value();

        assertThat(made).hasSize(2);
        assertThat(made).allSatisfy(random -> assertThat(random.draws).isEqualTo(32));
        assertThat(afterRestore).matches("[a-z0-9]{32}");
    }

    @Test
    void consumeWhenIssuedAndFreshThenAcceptedOnce() {
        String value = challenges.issue().value();
        clock.advance(Duration.ofMinutes(4));

        challenges.consume(value, null);

        assertThat(store.keys).contains("challenge:used:" + value);
    }

    @Test
    void consumeWhenReplayedThenDeniesReplayed() {
        String value = challenges.issue().value();
        challenges.consume(value, null);

        assertDenied(() -> challenges.consume(value, null), DenialReason.REPLAYED);
    }

    @Test
    void consumeWhenConsumedRequestLaterFailedThenStillConsumed() {
        String value = challenges.issue().value();
        challenges.consume(value, null);
        // Whatever happens after consumption (a 500, a 503) nothing gives the challenge back.
        clock.advance(Duration.ofSeconds(30));

        assertDenied(() -> challenges.consume(value, null), DenialReason.REPLAYED);
    }

    @Test
    void consumeWhenPastFiveMinutesThenDeniesExpired() {
        String value = challenges.issue().value();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        assertDenied(() -> challenges.consume(value, null), DenialReason.EXPIRED);
    }

    @Test
    void consumeWhenNeverIssuedThenDeniesExpiredTwice() {
        String value = "a".repeat(32);

        assertDenied(() -> challenges.consume(value, null), DenialReason.EXPIRED);
        // The probe leaves nothing live behind, so a second try is no better.
        assertDenied(() -> challenges.consume(value, null), DenialReason.EXPIRED);
    }

    @Test
    void consumeWhenNotChallengeShapedThenDeniesMalformed() {
        for (String bad : List.of("", "A".repeat(32), "a".repeat(31), "a".repeat(33),
                "20210104-195534", "a".repeat(31) + "_")) {
            assertDenied(() -> challenges.consume(bad, null), DenialReason.MALFORMED_TOKEN);
        }
    }

    @Test
    void issueWhenStoreAlwaysSaysTakenThenFailsPermanently() {
        var broken = new Challenges((key, expiresAt, now) -> false, clock);

        assertFailure(broken::issue, FailureKind.PERMANENT);
    }

    @Test
    void consumeWhenStoreDownThenFailsTransiently() {
        String value = challenges.issue().value();
        var down = new Challenges((key, expiresAt, now) -> {
            throw VendingFailure.transientFailure("store down", null);
        }, clock);

        assertFailure(() -> down.consume(value, null), FailureKind.TRANSIENT);
    }

    /** Records the keys written, passing each call to a real store. */
    static final class RecordingStore implements SingleUseStore {
        final List<String> keys = new ArrayList<>();
        private final SingleUseStore delegate;

        RecordingStore(SingleUseStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean consume(String key, Instant expiresAt, Instant now) {
            boolean first = delegate.consume(key, expiresAt, now);
            if (first && expiresAt.isAfter(now)) {
                keys.add(key);
            }
            return first;
        }
    }

    /** Counts the characters drawn from it. */
    private static final class CountingRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        int draws;

        @Override
        public int nextInt(int bound) {
            draws++;
            return super.nextInt(bound);
        }
    }
}
