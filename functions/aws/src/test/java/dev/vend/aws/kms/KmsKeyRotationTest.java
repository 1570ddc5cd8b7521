// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.issue.KeyRing;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.IssuedToken;
import dev.vend.testsupport.FakeKms;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Field case BUG-17 with KMS keys, configured by ARN as the deployment passes them: an RS256 key
 * rotated to an ES256 key through next, active, retiring and removed. Every token's {@code kid}
 * and {@code alg} match one JWKS entry in every JWKS a relying party may hold while the token
 * lives, and the token verifies with it (Nimbus and the JDK alone).
 */
class KmsKeyRotationTest {

    private static final Duration JWKS_AGE = Duration.ofMinutes(5);
    private static final Duration MAX_LIFETIME = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant PUBLISH = T0.plus(Duration.ofHours(1));
    private static final Instant SWITCH = PUBLISH.plus(JWKS_AGE);
    private static final Instant OLD_UNTIL = SWITCH.plus(MAX_LIFETIME).plus(JWKS_AGE);

    private static FakeKms fake;
    private static KmsClient kms;
    private static String oldArn;
    private static String newArn;

    private final TreeMap<Instant, KeyRing> timeline = new TreeMap<>();
    private final List<IssuedToken> tokens = new ArrayList<>();

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = KmsSignerFakeTest.client(fake.endpoint());
        oldArn = fake.createRsa2048Key();
        newArn = fake.createEcP256Key();
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    private KeyRing deploy(Instant at, String json) {
        var ring = new KeyRing(KmsSigningKeys.load(SigningKeyConfig.parseList(json), kms),
                JWKS_AGE);
        ring.checkPublication(at, MAX_LIFETIME);
        timeline.put(at, ring);
        return ring;
    }

    private void mint(KeyRing ring, Instant at) {
        tokens.add(new TokenIssuerFixture(ring, at).issue());
    }

    private static String active(String arn) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"active\"}";
    }

    private static String activeSince(String arn, Instant since) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"active\",\"published_since\":\"" + since
                + "\"}";
    }

    private static String next(String arn, Instant since) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"next\",\"published_since\":\"" + since
                + "\"}";
    }

    private static String retiring(String arn, Instant retiredAt, Instant until) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"retiring\",\"retired_at\":\"" + retiredAt
                + "\",\"published_until\":\"" + until + "\"}";
    }

    @Test
    void rotationWhenRunbookFollowedThenEveryTokensKidAndAlgAreInEveryJwksWhileItLives()
            throws Exception {
        mint(deploy(T0, "[" + active(oldArn) + "]"), T0);
        KeyRing withNext = deploy(PUBLISH, "[" + active(oldArn) + "," + next(newArn, PUBLISH)
                + "]");
        mint(withNext, SWITCH.minusSeconds(1));
        mint(deploy(SWITCH, "[" + activeSince(newArn, PUBLISH) + ","
                + retiring(oldArn, SWITCH, OLD_UNTIL) + "]"), SWITCH);
        mint(deploy(OLD_UNTIL, "[" + activeSince(newArn, PUBLISH) + "]"), OLD_UNTIL);

        for (IssuedToken token : tokens) {
            SignedJWT jwt = SignedJWT.parse(token.accessToken());
            Instant from = token.issuedAt().minus(JWKS_AGE).isBefore(T0) ? T0
                    : token.issuedAt().minus(JWKS_AGE);
            for (Instant fetch = from; !fetch.isAfter(token.expiresAt());
                    fetch = fetch.plusSeconds(60)) {
                KeyRing ring = timeline.floorEntry(fetch).getValue();
                JWKSet jwks = JWKSet.parse(ring.published(fetch).toString());
                JWK jwk = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
                assertThat(jwk).as("kid in the JWKS fetched at %s", fetch).isNotNull();
                assertThat(jwk.getAlgorithm()).isEqualTo(jwt.getHeader().getAlgorithm());
                assertThat(KmsSignerContract.verifiesWithJdk(token.accessToken(),
                        jwk.toJSONObject())).isTrue();
            }
        }
        assertThat(tokens).extracting(t -> SignedJWT.parse(t.accessToken()).getHeader()
                .getAlgorithm().getName()).containsExactly("RS256", "RS256", "ES256", "ES256");
    }

    @Test
    void rotationWhenOldKeyRemovedBeforeItsTokensExpireThenRefusedAtStart() {
        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> deploy(SWITCH, "[" + activeSince(newArn, PUBLISH) + ","
                        + retiring(oldArn, SWITCH, SWITCH.plus(MAX_LIFETIME)) + "]"));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains(oldArn);
    }

    @Test
    void issueWhenActiveKmsKeyLeavesJwksSoonThenLifetimeIsCutToItsPublicationWindow()
            throws Exception {
        Instant until = T0.plus(Duration.ofMinutes(12));
        KeyRing ring = deploy(T0, "[{\"arn\":\"" + newArn + "\",\"state\":\"active\","
                + "\"published_until\":\"" + until + "\"}]");

        IssuedToken token = new TokenIssuerFixture(ring, T0).issue();

        assertThat(token.expiresAt()).isEqualTo(until.minus(JWKS_AGE));
        assertThat(SignedJWT.parse(token.accessToken()).getJWTClaimsSet().getExpirationTime()
                .toInstant()).isEqualTo(until.minus(JWKS_AGE));
        assertThat(ring.published(token.expiresAt().plus(JWKS_AGE).minusSeconds(1))
                .getKeyByKeyId(ring.active().keyId())).isNotNull();
    }

    /** Issues one token of the maximum lifetime at a fixed instant. */
    private record TokenIssuerFixture(KeyRing ring, Instant at) {

        IssuedToken issue() {
            return new TokenIssuer("https://vend.example.test", ring,
                    Clock.fixed(at, ZoneOffset.UTC)).issue(KmsSignerContract.identity(),
                    KmsSignerContract.entitlement(MAX_LIFETIME));
        }
    }
}
