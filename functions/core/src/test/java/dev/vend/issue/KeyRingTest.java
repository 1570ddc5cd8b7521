// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.JWK;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration JWKS_AGE = Duration.ofMinutes(15);
    private static final Duration MAX_LIFETIME = Duration.ofHours(1);
    /** The earliest a signing key may leave the JWKS: now + max lifetime + JWKS cache age. */
    private static final Instant MUST_STAY_UNTIL = NOW.plus(MAX_LIFETIME).plus(JWKS_AGE);

    private static SigningKey next() {
        return IssueFixtures.key(TestKeys.ecP256(1), "file:/keys/next", KeyState.NEXT, null);
    }

    private static InvalidConfigurationException refusal(List<SigningKey> keys) {
        return catchThrowableOfType(InvalidConfigurationException.class,
                () -> new KeyRing(keys, JWKS_AGE));
    }

    private static InvalidConfigurationException publicationRefusal(SigningKey... keys) {
        KeyRing ring = new KeyRing(List.of(keys), JWKS_AGE);
        return catchThrowableOfType(InvalidConfigurationException.class,
                () -> ring.checkPublication(NOW, MAX_LIFETIME));
    }

    @Test
    void constructorWhenNoActiveKeyThenRefuses() {
        var refused = refusal(List.of(next(), IssueFixtures.rsa(KeyState.RETIRING,
                NOW.plus(Duration.ofDays(1)))));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString()
                .contains("exactly one key must be active, found 0");
    }

    @Test
    void constructorWhenNoKeysAtAllThenRefuses() {
        assertThat(refusal(List.of())).isNotNull();
    }

    @Test
    void constructorWhenTwoActiveKeysThenRefuses() {
        var refused = refusal(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null),
                IssueFixtures.ec(KeyState.ACTIVE, null)));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains("found 2");
    }

    @Test
    void activeWhenOneActiveAmongOthersThenReturnsIt() {
        SigningKey active = IssueFixtures.rsa(KeyState.ACTIVE, null);

        KeyRing ring = new KeyRing(List.of(next(), active,
                IssueFixtures.ec(KeyState.RETIRING, MUST_STAY_UNTIL)), JWKS_AGE);

        assertThat(ring.active()).isSameAs(active);
        assertThat(ring.keys()).hasSize(3);
        assertThat(ring.jwksMaxAge()).isEqualTo(JWKS_AGE);
    }

    private static SigningKey retiringEc(Instant retiredAt, Instant until) {
        return IssueFixtures.retiring(TestKeys.ecP256(), "file:/keys/ec", retiredAt, until);
    }

    @Test
    void checkPublicationWhenRetiringKeyLeavesTooEarlyThenRefusesNamingIt() {
        Instant tooEarly = MUST_STAY_UNTIL.minusSeconds(1);

        var refused = publicationRefusal(IssueFixtures.rsa(KeyState.ACTIVE, null),
                retiringEc(NOW, tooEarly));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString()
                .contains("file:/keys/ec").contains("RETIRING").contains(tooEarly.toString());
    }

    @Test
    void checkPublicationWhenRetiringKeyHasNoRetiredAtThenRefuses() {
        var refused = publicationRefusal(IssueFixtures.rsa(KeyState.ACTIVE, null),
                IssueFixtures.ec(KeyState.RETIRING, NOW.plus(Duration.ofDays(30))));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains("no retired_at");
    }

    @Test
    void checkPublicationWhenActiveKeyCanSignNoTokenThenRefuses() {
        var refused = publicationRefusal(IssueFixtures.rsa(KeyState.ACTIVE, NOW.plus(JWKS_AGE)));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains("ACTIVE")
                .contains("can sign no token");
    }

    @Test
    void checkPublicationWhenActiveKeyEndsSoonerThanMaxLifetimeThenAcceptsBecauseTokensAreCut() {
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE,
                NOW.plus(JWKS_AGE).plusSeconds(60))), JWKS_AGE);

        assertThatCode(() -> ring.checkPublication(NOW, MAX_LIFETIME)).doesNotThrowAnyException();
        assertThat(ring.latestExpiry(NOW, MAX_LIFETIME)).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void checkPublicationWhenActiveKeyPublishedLessThanCacheAgeAgoThenRefusesUntilItIs() {
        Instant since = NOW.minus(JWKS_AGE).plusSeconds(1);
        SigningKey active = IssueFixtures.rsa(KeyState.ACTIVE, null);
        KeyRing ring = new KeyRing(List.of(new SigningKey(active.reference(), KeyState.ACTIVE,
                null, active.publicJwk(), active.signer(), null, since)), JWKS_AGE);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> ring.checkPublication(NOW, MAX_LIFETIME));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains("keep it next");
        assertThatCode(() -> ring.checkPublication(NOW.plusSeconds(1), MAX_LIFETIME))
                .doesNotThrowAnyException();
    }

    @Test
    void checkPublicationWhenSeveralKeysLeaveTooEarlyThenListsEveryOne() {
        var refused = publicationRefusal(IssueFixtures.rsa(KeyState.ACTIVE, NOW),
                retiringEc(NOW.minusSeconds(60), NOW));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).hasSize(2);
    }

    @Test
    void checkPublicationWhenRetiringKeyStaysExactlyLongEnoughThenAccepts() {
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null),
                retiringEc(NOW, MUST_STAY_UNTIL)), JWKS_AGE);

        assertThatCode(() -> ring.checkPublication(NOW, MAX_LIFETIME)).doesNotThrowAnyException();
    }

    @Test
    void checkPublicationWhenNextKeyHasEarlyEndThenIgnoresItBecauseItSignedNothing() {
        SigningKey shortNext = IssueFixtures.key(TestKeys.ecP256(1), "file:/next", KeyState.NEXT,
                NOW.plusSeconds(1));
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null), shortNext),
                JWKS_AGE);

        assertThatCode(() -> ring.checkPublication(NOW, MAX_LIFETIME)).doesNotThrowAnyException();
    }

    @Test
    void checkPublicationWhenKeysHaveNoEndThenAccepts() {
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null)), JWKS_AGE);

        assertThatCode(() -> ring.checkPublication(NOW, MAX_LIFETIME)).doesNotThrowAnyException();
    }

    @Test
    void checkPublicationWhenClockMovesOnThenAValidRetiringKeyStaysValid() {
        // Regression: the check compared published_until with the time of start, so a correct
        // rotation was refused at a restart or SnapStart restore long after the switch.
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null),
                retiringEc(NOW, MUST_STAY_UNTIL)), JWKS_AGE);

        for (Instant later : List.of(NOW, NOW.plus(MAX_LIFETIME), MUST_STAY_UNTIL,
                MUST_STAY_UNTIL.plus(Duration.ofDays(365)))) {
            assertThatCode(() -> ring.checkPublication(later, MAX_LIFETIME))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void checkPublicationWhenClockPassesActiveKeysLastUsefulInstantThenRefuses() {
        // Checked at start and again after every SnapStart restore, with the restored clock.
        Instant until = NOW.plus(JWKS_AGE).plusSeconds(1);
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, until)), JWKS_AGE);

        assertThatCode(() -> ring.checkPublication(NOW, MAX_LIFETIME)).doesNotThrowAnyException();
        assertThat(catchThrowableOfType(InvalidConfigurationException.class,
                () -> ring.checkPublication(NOW.plusSeconds(1), MAX_LIFETIME))).isNotNull();
    }

    @Test
    void publishedWhenKeysInEveryStateThenPublishesAllThreePublicOnly() {
        SigningKey active = IssueFixtures.rsa(KeyState.ACTIVE, null);
        SigningKey retiring = IssueFixtures.ec(KeyState.RETIRING, NOW.plus(Duration.ofDays(1)));
        KeyRing ring = new KeyRing(List.of(next(), active, retiring), JWKS_AGE);

        List<JWK> published = ring.published(NOW).getKeys();

        assertThat(published).extracting(JWK::getKeyID).containsExactlyInAnyOrder(
                next().keyId(), active.keyId(), retiring.keyId());
        assertThat(published).noneMatch(JWK::isPrivate);
    }

    @Test
    void publishedWhenKeyIsPastPublishedUntilThenOmitsIt() {
        Instant until = NOW.plus(Duration.ofHours(3));
        SigningKey retiring = IssueFixtures.ec(KeyState.RETIRING, until);
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null), retiring),
                JWKS_AGE);

        assertThat(ring.published(until.minusSeconds(1)).getKeyByKeyId(retiring.keyId()))
                .isNotNull();
        assertThat(ring.published(until).getKeyByKeyId(retiring.keyId())).isNull();
        assertThat(ring.published(until.plusSeconds(1)).getKeys()).hasSize(1);
    }

    @Test
    void latestExpiryWhenActiveKeyHasNoEndThenKeepsTheWantedLifetime() {
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, null)), JWKS_AGE);

        assertThat(ring.latestExpiry(NOW, Duration.ofMinutes(10)))
                .isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    }

    @Test
    void latestExpiryWhenActiveKeyEndsSoonThenCutsToPublicationLessCacheAge() {
        Instant until = NOW.plus(Duration.ofMinutes(20));
        KeyRing ring = new KeyRing(List.of(IssueFixtures.rsa(KeyState.ACTIVE, until)), JWKS_AGE);

        assertThat(ring.latestExpiry(NOW, Duration.ofMinutes(10)))
                .isEqualTo(until.minus(JWKS_AGE));
        assertThat(ring.latestExpiry(NOW, Duration.ofMinutes(4)))
                .isEqualTo(NOW.plus(Duration.ofMinutes(4)));
    }

    @Test
    void signingKeyWhenGivenAPrivateJwkThenRefusesToPublishIt() {
        SigningKey active = IssueFixtures.rsa(KeyState.ACTIVE, null);

        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new SigningKey("file:/x", KeyState.ACTIVE, null, TestKeys.rsa2048(),
                        active.signer()))).hasMessageContaining("public only");
    }
}
