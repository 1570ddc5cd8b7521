// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static dev.vend.issue.IssueFixtures.b64;
import static dev.vend.issue.IssueFixtures.json;
import static dev.vend.issue.IssueFixtures.joseToDer;
import static dev.vend.issue.IssueFixtures.thumbprint;
import static dev.vend.issue.IssueFixtures.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Entitlement;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenIssuerTest {

    private static final String VEND_URL = "https://vend.example.test";
    private static final String AUD = "https://api.example.test";
    private static final String INBOUND_SUB = "repo:acme/app:ref:refs/heads/main";
    /** Mid-second on purpose: issued times are whole seconds. */
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00.750Z");
    private static final Instant NOW_SECONDS = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration JWKS_AGE = Duration.ofMinutes(15);
    private static final Set<String> PRIVATE_MEMBERS =
            Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static VerifiedIdentity identity() {
        return new VerifiedIdentity(IdentitySource.OIDC, "github-actions",
                "https://token.actions.githubusercontent.com", "1001:123",
                Map.of("sub", new AttributeValue.Str(INBOUND_SUB),
                        "repository", new AttributeValue.Str("acme/app"),
                        "run_number", new AttributeValue.Str("42")),
                NOW.plusSeconds(300), "ab".repeat(32));
    }

    private static Entitlement entitlement(Duration lifetime, Set<String> scopes) {
        return new Entitlement("gh-deploy", "f".repeat(64), List.of(AUD), scopes, lifetime,
                Map.of("repository", new AttributeValue.Str("acme/app")));
    }

    private static Entitlement entitlement() {
        return entitlement(Duration.ofMinutes(10), Set.of("read", "deploy"));
    }

    private static KeyRing ring(SigningKey... keys) {
        return new KeyRing(List.of(keys), JWKS_AGE);
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(
                Arguments.of("RS256", (Function<KeyState, SigningKey>) s -> IssueFixtures.rsa(s,
                        null)),
                Arguments.of("ES256", (Function<KeyState, SigningKey>) s -> IssueFixtures.ec(s,
                        null)));
    }

    private static String[] parts(IssuedToken token) {
        String[] parts = token.accessToken().split("\\.", -1);
        assertThat(parts).hasSize(3);
        return parts;
    }

    private static JsonNode segment(String part) {
        return json(new String(b64(part), StandardCharsets.UTF_8));
    }

    /** The JWKS entry a relying party picks from the published JSON text by kid. */
    private static JsonNode jwksEntry(KeyRing ring, String kid) {
        var matches = new ArrayList<JsonNode>();
        for (JsonNode key : json(ring.published(NOW).toString()).get("keys")) {
            if (kid.equals(key.path("kid").asText())) {
                matches.add(key);
            }
        }
        assertThat(matches).as("JWKS entries with kid %s", kid).hasSize(1);
        return matches.get(0);
    }

    /** Verifies with the JDK alone: key from the JWKS members, java.security.Signature. */
    private static boolean verifiesWithJdk(String token, JsonNode jwk) throws Exception {
        String[] parts = token.split("\\.");
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = b64(parts[2]);
        Signature verifier;
        PublicKey key;
        if ("RSA".equals(jwk.get("kty").asText())) {
            key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    unsigned(jwk.get("n").asText()), unsigned(jwk.get("e").asText())));
            verifier = Signature.getInstance("SHA256withRSA");
        } else {
            var parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            var point = new ECPoint(unsigned(jwk.get("x").asText()),
                    unsigned(jwk.get("y").asText()));
            key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point,
                    parameters.getParameterSpec(ECParameterSpec.class)));
            verifier = Signature.getInstance("SHA256withECDSA");
            assertThat(signature).as("JOSE ES256 signature length").hasSize(64);
            signature = joseToDer(signature);
        }
        verifier.initVerify(key);
        verifier.update(input);
        return verifier.verify(signature);
    }

    private static boolean verifiesWithNimbus(String token, KeyRing ring) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWKSet published = JWKSet.parse(ring.published(NOW).toString());
        JWK key = published.getKeyByKeyId(jwt.getHeader().getKeyID());
        JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                : new ECDSAVerifier((ECKey) key);
        return jwt.verify(verifier);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void issueWhenSignedThenVerifiesWithNimbusAndWithTheJdkAgainstThePublishedJwks(String alg,
            Function<KeyState, SigningKey> keyOf) throws Exception {
        KeyRing ring = ring(keyOf.apply(KeyState.ACTIVE));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        String kid = segment(parts(token)[0]).get("kid").asText();
        assertThat(verifiesWithNimbus(token.accessToken(), ring)).isTrue();
        assertThat(verifiesWithJdk(token.accessToken(), jwksEntry(ring, kid))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void issueWhenTokenAlteredThenNoLongerVerifies(String alg,
            Function<KeyState, SigningKey> keyOf) throws Exception {
        KeyRing ring = ring(keyOf.apply(KeyState.ACTIVE));
        String token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement())
                .accessToken();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        JsonNode jwk = jwksEntry(ring, segment(parts[0]).get("kid").asText());
        assertThat(verifiesWithJdk(forged, jwk)).isFalse();
        assertThat(verifiesWithNimbus(forged, ring)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void issueWhenSignedThenHeaderIsAtJwtWithThePublishedKidAndAlg(String alg,
            Function<KeyState, SigningKey> keyOf) {
        KeyRing ring = ring(keyOf.apply(KeyState.ACTIVE));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        JsonNode header = segment(parts(token)[0]);
        JsonNode jwk = jwksEntry(ring, header.get("kid").asText());
        assertThat(header.get("typ").asText()).isEqualTo("at+jwt");
        assertThat(header.get("alg").asText()).isEqualTo(alg).isEqualTo(jwk.get("alg").asText());
        assertThat(header.get("kid").asText()).isEqualTo(thumbprint(jwk));
        assertThat(header.has("crit")).isFalse();
        assertThat(header.has("jwk")).isFalse();
    }

    @Test
    void issueWhenSignedThenClaimsFollowTheProfile() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, null));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        JsonNode claims = segment(parts(token)[1]);
        assertThat(claims.get("iss").asText()).isEqualTo(VEND_URL);
        assertThat(claims.get("sub").asText()).isEqualTo("oidc:github-actions:1001:123")
                .isNotEqualTo(INBOUND_SUB);
        assertThat(claims.get("aud").isArray() ? claims.get("aud").get(0).asText()
                : claims.get("aud").asText()).isEqualTo(AUD);
        assertThat(claims.get("iat").asLong()).isEqualTo(NOW_SECONDS.getEpochSecond());
        assertThat(claims.get("nbf").asLong()).isEqualTo(NOW_SECONDS.getEpochSecond());
        assertThat(claims.get("exp").asLong()).isEqualTo(NOW_SECONDS.getEpochSecond() + 600);
        assertThat(claims.get("jti").asText()).isEqualTo(token.jti()).isNotBlank();
        assertThat(claims.get("scope").asText()).isEqualTo("deploy read");
        assertThat(claims.get("client_id").asText()).isEqualTo("gh-deploy");
        JsonNode workload = claims.get(TokenIssuer.WORKLOAD_CLAIM);
        assertThat(workload.get("source").asText()).isEqualTo("oidc");
        assertThat(workload.get("issuer").asText())
                .isEqualTo("https://token.actions.githubusercontent.com");
        assertThat(workload.get("issuer_id").asText()).isEqualTo("github-actions");
        assertThat(workload.get("policy_id").asText()).isEqualTo("gh-deploy");
        assertThat(workload.get("attributes").get("repository").asText()).isEqualTo("acme/app");
        assertThat(workload.get("attributes").has("run_number")).isFalse();
        assertThat(workload.get("attributes").has("sub")).isFalse();
    }

    @Test
    void issueWhenSignedThenIssuedTokenDescribesTheToken() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, null));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        assertThat(token.issuedTokenType()).isEqualTo(TokenTypes.ACCESS_TOKEN);
        assertThat(token.tokenType()).isEqualTo("Bearer");
        assertThat(token.issuedAt()).isEqualTo(NOW_SECONDS);
        assertThat(token.expiresAt()).isEqualTo(NOW_SECONDS.plusSeconds(600));
        assertThat(token.expiresInSeconds()).isEqualTo(600);
        assertThat(token.scopes()).containsExactlyInAnyOrder("read", "deploy");
        assertThat(token.toString()).doesNotContain(token.accessToken());
    }

    @Test
    void issueWhenNoScopesThenOmitsTheScopeClaim() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, null));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK)
                .issue(identity(), entitlement(Duration.ofMinutes(5), Set.of()));

        assertThat(segment(parts(token)[1]).has("scope")).isFalse();
    }

    @Test
    void issueWhenManyTokensThenEveryJtiIsUnique() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, null));
        var issuer = new TokenIssuer(VEND_URL, ring, CLOCK);
        var jtis = new HashSet<String>();

        for (int i = 0; i < 1000; i++) {
            IssuedToken token = issuer.issue(identity(), entitlement());
            jtis.add(segment(parts(token)[1]).get("jti").asText());
        }

        assertThat(jtis).hasSize(1000);
    }

    @Test
    void issueWhenKeyLeavesJwksSoonThenLifetimeIsCutToPublicationLessCacheAge() {
        Instant until = NOW_SECONDS.plus(Duration.ofMinutes(20));
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, until));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        Instant expected = until.minus(JWKS_AGE);
        assertThat(token.expiresAt()).isEqualTo(expected);
        assertThat(segment(parts(token)[1]).get("exp").asLong())
                .isEqualTo(expected.getEpochSecond());
    }

    @Test
    void issueWhenKeyStaysPublishedLongEnoughThenKeepsThePolicyLifetime() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, NOW.plus(Duration.ofHours(2))));

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        assertThat(token.expiresInSeconds()).isEqualTo(600);
    }

    @Test
    void issueWhenKeyPublicationEndsWithinCacheAgeThenFailsPermanently() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, NOW.plus(JWKS_AGE)));

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement()));

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void issueWhenEntitlementHasNoAudienceThenFailsPermanentlyRatherThanMintForAnyone() {
        KeyRing ring = ring(IssueFixtures.ec(KeyState.ACTIVE, null));
        var noAudience = new Entitlement("p", "v", List.of(), Set.of(), Duration.ofMinutes(5),
                Map.of());

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), noAudience));

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void issueWhenSeveralKeysPublishedThenSignsWithTheActiveOneWhoseKidIsUnique() {
        SigningKey next = IssueFixtures.key(TestKeys.ecP256(1), "file:/next", KeyState.NEXT, null);
        SigningKey active = IssueFixtures.rsa(KeyState.ACTIVE, null);
        SigningKey retiring = IssueFixtures.ec(KeyState.RETIRING, NOW.plus(Duration.ofDays(1)));
        KeyRing ring = ring(next, active, retiring);

        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());

        JsonNode header = segment(parts(token)[0]);
        assertThat(header.get("kid").asText()).isEqualTo(active.keyId());
        JsonNode jwk = jwksEntry(ring, header.get("kid").asText());
        assertThat(jwk.get("alg").asText()).isEqualTo(header.get("alg").asText());
    }

    @Test
    void publishedWhenRsaAndEcKeysThenEveryEntryIsWellFormed() {
        // Field case BUG-17: what a relying party's library needs to find and parse each key.
        KeyRing ring = ring(IssueFixtures.rsa(KeyState.ACTIVE, null),
                IssueFixtures.ec(KeyState.NEXT, null));

        JsonNode keys = json(ring.published(NOW).toString()).get("keys");

        assertThat(keys).hasSize(2);
        for (JsonNode jwk : keys) {
            assertThat(jwk.get("use").asText()).isEqualTo("sig");
            assertThat(jwk.get("kid").asText()).isEqualTo(thumbprint(jwk));
            var members = new HashSet<String>();
            jwk.fieldNames().forEachRemaining(members::add);
            assertThat(members).doesNotContainAnyElementsOf(PRIVATE_MEMBERS);
            if ("RSA".equals(jwk.get("kty").asText())) {
                byte[] n = b64(jwk.get("n").asText());
                assertThat(jwk.get("alg").asText()).isEqualTo("RS256");
                assertThat(n).hasSize(256);
                assertThat(n[0]).as("no leading zero byte in n").isNotZero();
                assertThat(jwk.get("e").asText()).isEqualTo("AQAB");
            } else {
                assertThat(jwk.get("alg").asText()).isEqualTo("ES256");
                assertThat(jwk.get("crv").asText()).isEqualTo("P-256");
                assertThat(b64(jwk.get("x").asText())).hasSize(32);
                assertThat(b64(jwk.get("y").asText())).hasSize(32);
            }
        }
    }

    @Test
    void publishedWhenEcCoordinateIsShortThenItIsLeftPaddedTo32Bytes() {
        // About one P-256 key in 128 has a coordinate below 2^248; find one.
        ECKey shortCoordinate = null;
        for (int i = 0; i < 5000 && shortCoordinate == null; i++) {
            ECKey candidate = TestKeys.freshEcP256();
            BigInteger x = candidate.getX().decodeToBigInteger();
            BigInteger y = candidate.getY().decodeToBigInteger();
            if (x.bitLength() <= 248 || y.bitLength() <= 248) {
                shortCoordinate = candidate;
            }
        }
        assertThat(shortCoordinate).as("a key with a short coordinate").isNotNull();
        KeyRing ring = ring(IssueFixtures.key(shortCoordinate, "file:/short", KeyState.ACTIVE,
                null));

        JsonNode jwk = json(ring.published(NOW).toString()).get("keys").get(0);

        assertThat(b64(jwk.get("x").asText())).hasSize(32);
        assertThat(b64(jwk.get("y").asText())).hasSize(32);
        IssuedToken token = new TokenIssuer(VEND_URL, ring, CLOCK).issue(identity(), entitlement());
        try {
            assertThat(verifiesWithJdk(token.accessToken(), jwk)).isTrue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
