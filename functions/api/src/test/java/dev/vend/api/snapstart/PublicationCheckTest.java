// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.vend.RestoreAware;
import dev.vend.issue.KeyRing;
import dev.vend.issue.KeyState;
import dev.vend.issue.SigningKey;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The key-state decision across a restore (field case BUG-26): taken again against the restore's
 * time, never carried over from the snapshot's.
 */
class PublicationCheckTest {

    private static final Instant SNAPSHOT_TIME = Instant.parse("2026-12-03T12:00:00Z");

    private final MovableClock clock = new MovableClock(SNAPSHOT_TIME);

    @Test
    void afterRestoreWhenTheActiveKeyHasSinceLeftTheJwksThenRefusesTheRestore() throws Exception {
        var check = new PublicationCheck(ringWithActiveKeyPublishedUntil(
                SNAPSHOT_TIME.plus(Duration.ofHours(1))), Duration.ofMinutes(10), clock);
        check.check();
        assertThat(check.restoreState()).isEqualTo("key publication checked_at=" + SNAPSHOT_TIME);

        clock.now = SNAPSHOT_TIME.plus(Duration.ofDays(2));

        assertThatThrownBy(check::afterRestore)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("can sign no token");
        assertThat(check.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
    }

    @Test
    void afterRestoreWhenTheKeysAreStillPublishedThenRecordsTheRestoreTime() throws Exception {
        var check = new PublicationCheck(ringWithActiveKeyPublishedUntil(
                SNAPSHOT_TIME.plus(Duration.ofDays(30))), Duration.ofMinutes(10), clock);
        check.check();
        Instant restored = SNAPSHOT_TIME.plus(Duration.ofHours(5));
        clock.now = restored;

        check.afterRestore();

        assertThat(check.restoreState()).isEqualTo("key publication checked_at=" + restored);
    }

    private static KeyRing ringWithActiveKeyPublishedUntil(Instant until) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").algorithm(JWSAlgorithm.ES256)
                .keyUse(KeyUse.SIGNATURE).generate();
        var signingKey = new SigningKey("arn:aws:kms:eu-west-1:111111111111:key/k1",
                KeyState.ACTIVE, until, key.toPublicJWK(), new ECDSASigner(key));
        return new KeyRing(List.of(signingKey), Duration.ofMinutes(5));
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
