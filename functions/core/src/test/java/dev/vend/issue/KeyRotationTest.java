// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.IssuedToken;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Entitlement;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Field case BUG-17 through a whole rotation: next, active, retiring, removed. Every token minted
 * at any stage must find its {@code kid}, with the same {@code alg}, in every JWKS a relying
 * party may hold while the token lives, and verify with it.
 */
class KeyRotationTest {

    private static final Duration JWKS_AGE = Duration.ofMinutes(5);
    private static final Duration MAX_LIFETIME = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** Step 2: the new key is published as next. */
    private static final Instant PUBLISH = T0.plus(Duration.ofHours(1));
    /** Step 4: the new key signs, the old one retires; no sooner than PUBLISH + JWKS_AGE. */
    private static final Instant SWITCH = PUBLISH.plus(JWKS_AGE);
    /** The old key's publication end: its last token expired and left every cache. */
    private static final Instant OLD_UNTIL = SWITCH.plus(MAX_LIFETIME).plus(JWKS_AGE);
    private static final String OLD_REF = "file:/keys/old-rsa";
    private static final String NEW_REF = "file:/keys/new-ec";

    /** The configuration in force from each instant on, as an operator deploys it. */
    private final TreeMap<Instant, KeyRing> timeline = new TreeMap<>();
    private final List<IssuedToken> tokens = new ArrayList<>();

    private static SigningKey oldKey(KeyState state) {
        return IssueFixtures.key(TestKeys.rsa2048(), OLD_REF, state, null);
    }

    private static SigningKey newKey(KeyState state, Instant publishedSince) {
        SigningKey key = IssueFixtures.key(TestKeys.ecP256(), NEW_REF, state, null);
        return new SigningKey(NEW_REF, state, null, key.publicJwk(), key.signer(), null,
                publishedSince);
    }

    private KeyRing deploy(Instant at, SigningKey... keys) {
        KeyRing ring = new KeyRing(List.of(keys), JWKS_AGE);
        ring.checkPublication(at, MAX_LIFETIME);
        timeline.put(at, ring);
        return ring;
    }

    private void mint(KeyRing ring, Instant at) {
        var identity = new VerifiedIdentity(IdentitySource.OIDC, "github-actions",
                "https://token.actions.githubusercontent.com", "1001:123",
                Map.of("repository", new AttributeValue.Str("acme/app")), at.plusSeconds(300),
                "ab".repeat(32));
        var entitlement = new Entitlement("gh-deploy", "f".repeat(64),
                List.of("https://api.example.test"), Set.of(), MAX_LIFETIME, Map.of());
        tokens.add(new TokenIssuer("https://vend.example.test", ring,
                Clock.fixed(at, ZoneOffset.UTC)).issue(identity, entitlement));
    }

    /** The JWKS a relying party fetched at the instant. */
    private JWKSet jwksFetchedAt(Instant at) throws Exception {
        KeyRing ring = timeline.floorEntry(at).getValue();
        // Through the JSON text, as a relying party reads it.
        return JWKSet.parse(ring.published(at).toString());
    }

    @Test
    void rotationWhenEveryStepFollowsTheRunbookThenEveryTokenVerifiesWhileItLives()
            throws Exception {
        // given: the runbook's steps, minting tokens before and after each
        KeyRing initial = deploy(T0, oldKey(KeyState.ACTIVE));
        mint(initial, T0);
        KeyRing withNext = deploy(PUBLISH, oldKey(KeyState.ACTIVE),
                newKey(KeyState.NEXT, PUBLISH));
        mint(withNext, PUBLISH);
        mint(withNext, SWITCH.minusSeconds(1));
        KeyRing switched = deploy(SWITCH, newKey(KeyState.ACTIVE, PUBLISH),
                IssueFixtures.retiring(TestKeys.rsa2048(), OLD_REF, SWITCH, OLD_UNTIL));
        mint(switched, SWITCH);
        KeyRing removed = deploy(OLD_UNTIL, newKey(KeyState.ACTIVE, PUBLISH));
        mint(removed, OLD_UNTIL);

        // then: any JWKS a relying party may hold while a token lives has its key
        for (IssuedToken token : tokens) {
            SignedJWT jwt = SignedJWT.parse(token.accessToken());
            String kid = jwt.getHeader().getKeyID();
            // A copy fetched up to one cache age before the token, but not before Vend existed.
            Instant firstFetch = latest(token.issuedAt().minus(JWKS_AGE), timeline.firstKey());
            for (Instant fetch = firstFetch; !fetch.isAfter(token.expiresAt());
                    fetch = fetch.plusSeconds(30)) {
                JWK key = jwksFetchedAt(fetch).getKeyByKeyId(kid);
                assertThat(key).as("kid %s in the JWKS fetched at %s", kid, fetch).isNotNull();
                assertThat(key.getAlgorithm()).isEqualTo(jwt.getHeader().getAlgorithm());
                assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
                assertThat(key.isPrivate()).isFalse();
                assertThat(jwt.verify(verifierFor(key))).isTrue();
            }
        }
        assertThat(tokens).extracting(t -> SignedJWT.parse(t.accessToken()).getHeader()
                .getAlgorithm().getName()).containsExactly("RS256", "RS256", "RS256", "ES256",
                        "ES256");
    }

    @Test
    void rotationWhenOldKeyLeavesWithItsLastTokenThenOldKeyStaysPublishedUntilTokenLeftCaches()
            throws Exception {
        KeyRing withNext = deploy(PUBLISH, oldKey(KeyState.ACTIVE),
                newKey(KeyState.NEXT, PUBLISH));
        mint(withNext, SWITCH.minusSeconds(1));
        deploy(SWITCH, newKey(KeyState.ACTIVE, PUBLISH),
                IssueFixtures.retiring(TestKeys.rsa2048(), OLD_REF, SWITCH, OLD_UNTIL));
        IssuedToken longestOld = tokens.get(0);
        String oldKid = SignedJWT.parse(longestOld.accessToken()).getHeader().getKeyID();

        assertThat(jwksFetchedAt(longestOld.expiresAt()).getKeyByKeyId(oldKid)).isNotNull();
        assertThat(jwksFetchedAt(longestOld.expiresAt().plus(JWKS_AGE)).getKeyByKeyId(oldKid))
                .isNotNull();
        assertThat(jwksFetchedAt(OLD_UNTIL).getKeyByKeyId(oldKid)).isNull();
    }

    @Test
    void rotationWhenOldKeyWouldLeaveBeforeItsTokensExpireThenTheSwitchIsRefused() {
        SigningKey tooShort = IssueFixtures.retiring(TestKeys.rsa2048(), OLD_REF, SWITCH,
                SWITCH.plus(MAX_LIFETIME));

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> deploy(SWITCH, newKey(KeyState.ACTIVE, PUBLISH), tooShort));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains(OLD_REF);
    }

    @Test
    void rotationWhenNewKeyActivatedBeforeCachesHoldItThenTheSwitchIsRefused() {
        Instant tooSoon = PUBLISH.plus(JWKS_AGE).minusSeconds(1);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> deploy(tooSoon, newKey(KeyState.ACTIVE, PUBLISH),
                        IssueFixtures.retiring(TestKeys.rsa2048(), OLD_REF, tooSoon,
                                OLD_UNTIL)));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().asString().contains(NEW_REF)
                .contains("keep it next");
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static JWSVerifier verifierFor(JWK key) throws Exception {
        return key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
    }
}
