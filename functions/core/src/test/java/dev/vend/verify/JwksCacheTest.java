// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.vend.model.Attestation;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.oidc.OidcVerifier;
import dev.vend.verify.oidc.OidcVerifierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The key cache of one issuer against a real HTTPS issuer: fetch on first use, periodic refresh,
 * one refetch per cooldown for unknown kids, bounded stale keys, and which JWKs may verify.
 */
class JwksCacheTest {

    private static final String AUD = TestRegistries.VEND;
    private static final RSAKey RSA = TestKeys.rsa2048();
    private static final ECKey EC = TestKeys.ecP256();
    private static final ECKey EC_SECOND = TestKeys.ecP256(1);
    private static final JwksCache.Timing TIMING = JwksCache.Timing.defaults();

    @TempDir
    Path dir;

    private TestOidcIssuer issuer;
    private MutableClock clock;
    private IssuerRegistry registry;
    private IssuerKeys keys;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() {
        issuer = TestOidcIssuer.start("", List.of(RSA, EC));
        clock = MutableClock.atWholeSecondNow();
        registry = TestRegistries.fromYaml("""
                issuers:
                  - id: test
                    issuer: %s
                    discovery: true
                    allowPrivateNetwork: true
                    algorithms: [RS256, ES256]
                """.formatted(issuer.issuer()), dir);
        keys = IssuerKeys.forRegistry(registry, TestRegistries.fetcherFor(issuer), clock, TIMING);
        var oidc = new OidcVerifier(new OidcVerifierConfig(keys, new InMemorySingleUseStore(),
                clock));
        verifiers = new VerifierRegistry(registry, List.of(oidc));
    }

    @AfterEach
    void tearDown() {
        issuer.close();
    }

    // ---- refresh storm

    @Test
    void candidatesWhenThousandUnknownKidsThenAtMostOneJwksFetchPerCooldown() {
        warmUp();

        for (int i = 0; i < 1_000; i++) {
            String token = randomKidToken();
            assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
        }
        int inFirstCooldown = issuer.jwksFetches();

        clock.advance(TIMING.unknownKeyCooldown().plusSeconds(1));
        for (int i = 0; i < 1_000; i++) {
            String token = randomKidToken();
            assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
        }

        assertThat(inFirstCooldown).as("fetches in the cooldown after warm-up").isZero();
        assertThat(issuer.jwksFetches()).as("fetches after the cooldown passed").isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void candidatesWhenUnknownKidsArriveConcurrentlyThenOneJwksFetch() throws Exception {
        // The cooldown check and the refetch hold one lock, so threads that find the same
        // unknown kids at once still make one fetch between them.
        warmUp();
        clock.advance(TIMING.unknownKeyCooldown().plusSeconds(1));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            tokens.add(randomKidToken());
        }
        issuer.delayResponses(TestOidcIssuer.Endpoint.JWKS, Duration.ofMillis(200));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var start = new CountDownLatch(1);
            var results = new ArrayList<Future<Throwable>>();
            for (String token : tokens) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        verify(token);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            for (Future<Throwable> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS))
                        .isInstanceOfSatisfying(DenialException.class, denial ->
                                assertThat(denial.reason()).isEqualTo(DenialReason.UNKNOWN_KEY));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenNewKidAppearsThenFoundAfterCooldownRefetch() {
        warmUp();
        issuer.addKey(EC_SECOND);
        String token = issuer.token(EC_SECOND).clock(clock).subject("svc-a").audience(AUD).sign();

        assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
        clock.advance(TIMING.unknownKeyCooldown());

        assertThat(verify(token).immutableId()).isEqualTo("svc-a");
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    // ---- periodic refresh and stale keys

    @Test
    void candidatesWhenIssuerRemovedKeyThenPeriodicRefreshStopsTrustingIt() {
        warmUp();
        issuer.removeKey(EC.getKeyID());

        clock.advance(Duration.ofMinutes(5));
        assertThat(verify(ecToken()).immutableId()).as("cached until the refresh")
                .isEqualTo("svc-a");
        assertThat(issuer.jwksFetches()).isZero();

        clock.advance(TIMING.refreshInterval());
        String token = ecToken();

        assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenIssuerFailsThenStaleKeysServeForMaxStaleThenFailTransient() {
        warmUp();
        issuer.failWithStatus(TestOidcIssuer.Endpoint.DISCOVERY, 503);
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 503);

        clock.advance(TIMING.refreshInterval().plusMinutes(1));
        assertThat(verify(ecToken()).immutableId()).isEqualTo("svc-a");
        assertThat(issuer.discoveryFetches()).as("a refresh was tried").isEqualTo(1);

        clock.set(clock.instant().minus(TIMING.refreshInterval().plusMinutes(1))
                .plus(TIMING.maxStale()).minusSeconds(1));
        assertThat(verify(ecToken()).immutableId()).isEqualTo("svc-a");

        clock.advance(Duration.ofSeconds(2));
        String late = ecToken();
        VendingFailure failure = assertFailure(() -> verify(late), FailureKind.TRANSIENT);
        assertThat(failure.getMessage()).doesNotContain("://");

        issuer.clearFaults();
        clock.advance(TIMING.unknownKeyCooldown());
        assertThat(verify(ecToken()).immutableId()).as("recovers with the issuer")
                .isEqualTo("svc-a");
    }

    @Test
    void candidatesWhenFirstFetchFailsThenFailsTransientWithoutKeys() {
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 500);
        String token = ecToken();

        assertFailure(() -> verify(token), FailureKind.TRANSIENT);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenFirstFetchFailedThenRetriesOnlyAfterCooldown() {
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 500);
        String token = ecToken();
        assertFailure(() -> verify(token), FailureKind.TRANSIENT);
        assertFailure(() -> verify(token), FailureKind.TRANSIENT);
        assertThat(issuer.jwksFetches()).isEqualTo(1);

        issuer.clearFaults();
        clock.advance(TIMING.unknownKeyCooldown());

        assertThat(verify(ecToken()).immutableId()).isEqualTo("svc-a");
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    // ---- kid handling

    @Test
    void candidatesWhenKidEmptyThenTreatedAsAbsent() {
        JwksCache cache = keys.forIssuer(registry.byId("test").orElseThrow());

        assertThat(cache.candidates("", JWSAlgorithm.RS256)).extracting(JWK::getKeyID)
                .containsExactly(RSA.getKeyID());
        assertThat(cache.candidates(null, JWSAlgorithm.ES256)).extracting(JWK::getKeyID)
                .containsExactly(EC.getKeyID());
        String token = issuer.token().clock(clock).keyId("").subject("svc-a").audience(AUD)
                .sign();
        assertThat(verify(token).immutableId()).isEqualTo("svc-a");
    }

    @Test
    void candidatesWhenKidUnknownInStaticFileThenEmptyWithoutFetching() throws Exception {
        JwksCache cache = fileCache(new JWKSet(List.of(RSA.toPublicJWK())).toString());

        assertThat(cache.candidates("nope", JWSAlgorithm.RS256)).isEmpty();
        assertThat(cache.candidates(RSA.getKeyID(), JWSAlgorithm.RS256)).hasSize(1);
        assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
    }

    @Test
    void constructWhenStaticFileIsNotJwksThenRefusesToStart() {
        assertThatThrownBy(() -> fileCache("{\"keys\":[{\"kty\":\"RSA\"}]}"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("can not be read");
    }

    // ---- one malformed key never disables the others

    @Test
    void constructWhenStaticFileHoldsMalformedKeysThenSkipsOnlyThoseAndWarnsWithKidOnly()
            throws Exception {
        // Regression: JWKSet.parse refuses the whole set for one bad member, so a single
        // malformed key published by an issuer made every good key of that issuer unusable.
        String jwks = jwksWith(malformedMembers(), RSA.toPublicJWK(), EC.toPublicJWK());
        List<ILoggingEvent> warnings = captureWarnings(() -> {
            JwksCache cache = fileCache(jwks);

            assertThat(cache.candidates(RSA.getKeyID(), JWSAlgorithm.RS256)).hasSize(1);
            assertThat(cache.candidates(EC.getKeyID(), JWSAlgorithm.ES256)).hasSize(1);
            assertThat(cache.candidates("bad-n", JWSAlgorithm.RS256)).isEmpty();
        });

        assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "issuer static: skipped a JWK that can not be parsed, kid bad-n",
                "issuer static: skipped a JWK that can not be parsed, kid off-curve",
                "issuer static: skipped a JWK that can not be parsed, kid bad-crv",
                "issuer static: skipped a JWK that can not be parsed, kid (none)",
                "issuer static: skipped a JWK that can not be parsed, kid (none)");
    }

    @Test
    void verifyWhenFetchedJwksHoldsMalformedKeyThenGoodKeysStillVerify() throws Exception {
        issuer.overrideBody(TestOidcIssuer.Endpoint.JWKS,
                jwksWith(malformedMembers(), RSA.toPublicJWK(), EC.toPublicJWK()));

        assertThat(verify(ecToken()).immutableId()).isEqualTo("svc-a");
        String rsaToken = issuer.token(RSA).clock(clock).subject("svc-a").audience(AUD).sign();
        assertThat(verify(rsaToken).immutableId()).isEqualTo("svc-a");
    }

    @Test
    void verifyWhenFetchedJwksHoldsOnlyMalformedKeysThenFailsClosedTransient() throws Exception {
        issuer.overrideBody(TestOidcIssuer.Endpoint.JWKS, jwksWith(malformedMembers()));

        assertFailure(() -> verify(ecToken()), FailureKind.TRANSIENT);
    }

    @Test
    void verifyWhenRefreshedJwksBecomesAllMalformedThenLastGoodKeysServe() throws Exception {
        warmUp();
        issuer.overrideBody(TestOidcIssuer.Endpoint.JWKS, jwksWith(malformedMembers()));
        clock.advance(TIMING.refreshInterval().plusSeconds(1));

        assertThat(verify(ecToken()).immutableId()).isEqualTo("svc-a");
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void constructWhenStaticFileIsJsonWithoutKeysArrayThenRefusesToStart() {
        for (String body : List.of("{}", "{\"keys\":{}}", "[]", "not json")) {
            assertThatThrownBy(() -> fileCache(body)).as(body)
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("can not be read");
        }
    }

    // ---- which JWKs may verify

    @Test
    void candidatesWhenJwkIsForEncryptionOrOtherAlgOrPrivateThenNeverCandidate()
            throws Exception {
        RSAKey pub = RSA.toPublicJWK();
        List<JWK> jwks = List.of(
                new RSAKey.Builder(pub).keyID("enc").keyUse(KeyUse.ENCRYPTION).build(),
                new RSAKey.Builder(pub).keyID("ops-sign").keyUse(null)
                        .keyOperations(Set.of(KeyOperation.SIGN)).build(),
                new RSAKey.Builder(pub).keyID("ops-encrypt").keyUse(null)
                        .keyOperations(Set.of(KeyOperation.ENCRYPT)).build(),
                new RSAKey.Builder(pub).keyID("rs512").algorithm(JWSAlgorithm.RS512).build(),
                new RSAKey.Builder(pub).keyID("ps256").algorithm(JWSAlgorithm.PS256).build(),
                new RSAKey.Builder(RSA).keyID("private").build(),
                new ECKey.Builder(TestKeys.freshEc(Curve.P_384).toPublicJWK()).keyID("p384")
                        .algorithm(null).build(),
                new RSAKey.Builder(pub).keyID("ops-verify").keyUse(null)
                        .keyOperations(Set.of(KeyOperation.VERIFY)).build(),
                new RSAKey.Builder(pub).keyID("sig").build());
        JwksCache cache = fileCache(new JWKSet(jwks).toString(false));

        for (String kid : List.of("enc", "ops-sign", "ops-encrypt", "rs512", "ps256", "private")) {
            assertThat(cache.candidates(kid, JWSAlgorithm.RS256)).as(kid).isEmpty();
        }
        assertThat(cache.candidates("p384", JWSAlgorithm.ES256)).isEmpty();
        assertThat(cache.candidates("sig", JWSAlgorithm.ES256)).as("RSA key for ES256").isEmpty();
        assertThat(cache.candidates(null, JWSAlgorithm.RS256)).extracting(JWK::getKeyID)
                .containsExactlyInAnyOrder("ops-verify", "sig");
    }

    @Test
    void candidatesWhenRsaKeyShorterThan2048BitsThenNeverCandidate() throws Exception {
        // Regression: any RSA key in a JWKS verified, however short; RFC 7518 §3.3 asks 2048.
        RSAKey weak = TestKeys.freshRsa(1024);
        JwksCache cache = fileCache(new JWKSet(List.of(
                new RSAKey.Builder(weak.toPublicJWK()).keyID("weak").build(),
                new RSAKey.Builder(RSA.toPublicJWK()).keyID("strong").build())).toString());

        assertThat(cache.candidates("weak", JWSAlgorithm.RS256)).isEmpty();
        assertThat(cache.candidates(null, JWSAlgorithm.RS256)).extracting(JWK::getKeyID)
                .containsExactly("strong");
    }

    @Test
    void verifyWhenTokenSignedByWeakRsaKeyOfIssuerThenDeniesUnknownKey() {
        RSAKey weak = TestKeys.freshRsa(1024);
        issuer.addKey(weak);
        String token = issuer.token(weak).clock(clock).subject("svc-a").audience(AUD).sign();

        assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
    }

    @Test
    void verifyWhenTokenNamesEncryptionKeyThenDeniesUnknownKey() throws Exception {
        RSAKey pub = RSA.toPublicJWK();
        Path file = dir.resolve("enc.jwks.json");
        var encryptionKey = new RSAKey.Builder(pub).keyID("enc").keyUse(KeyUse.ENCRYPTION).build();
        Files.writeString(file, new JWKSet(List.of(encryptionKey)).toString());
        var fileRegistry = TestRegistries.fromYaml("""
                issuers:
                  - id: enc
                    issuer: https://enc.example
                    jwksFile: enc.jwks.json
                """, dir);
        var fileKeys = IssuerKeys.forRegistry(fileRegistry, TestRegistries.fetcherFor(issuer),
                clock, TIMING);
        var oidc = new OidcVerifier(new OidcVerifierConfig(fileKeys, new InMemorySingleUseStore(),
                clock));
        var fileVerifiers = new VerifierRegistry(fileRegistry, List.of(oidc));
        String token = TestTokens.signedWith(RSA).clock(clock).issuer("https://enc.example")
                .keyId("enc").subject("svc-a").audience(AUD).sign();

        assertDenied(() -> fileVerifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.UNKNOWN_KEY);
    }

    // ---- helpers

    private VerifiedIdentity verify(String token) {
        return verifiers.verify(new Attestation(TokenTypes.JWT, token));
    }

    /** Verifies one token so the cache holds keys, then zeroes the issuer's counters. */
    private void warmUp() {
        verify(ecToken());
        assertThat(issuer.jwksFetches()).isEqualTo(1);
        issuer.resetCounters();
    }

    private String ecToken() {
        return issuer.token(EC).clock(clock).subject("svc-a").audience(AUD).sign();
    }

    private String randomKidToken() {
        return issuer.token(EC).clock(clock).keyId(UUID.randomUUID().toString())
                .subject("svc-a").audience(AUD).sign();
    }

    /**
     * JWK Set members Nimbus can not parse: an RSA key whose modulus is a number, an EC key whose
     * point is off its curve, an EC key on an unknown curve, a member without kid, and a member
     * that is not an object.
     */
    private static List<String> malformedMembers() throws Exception {
        var offCurve = new LinkedHashMap<>(EC.toPublicJWK().toJSONObject());
        offCurve.put("kid", "off-curve");
        offCurve.put("y", offCurve.get("x"));
        var badCurve = new LinkedHashMap<>(EC.toPublicJWK().toJSONObject());
        badCurve.put("kid", "bad-crv");
        badCurve.put("crv", "P-257");
        return List.of(
                "{\"kty\":\"RSA\",\"kid\":\"bad-n\",\"n\":12345,\"e\":\"AQAB\"}",
                JSONObjectUtils.toJSONString(offCurve),
                JSONObjectUtils.toJSONString(badCurve),
                "{\"kty\":\"EC\",\"crv\":\"P-256\"}",
                "\"a string\"");
    }

    private static String jwksWith(List<String> rawMembers, JWK... keys) {
        var members = new ArrayList<>(rawMembers);
        for (JWK key : keys) {
            members.add(key.toJSONString());
        }
        return "{\"keys\":[" + String.join(",", members) + "]}";
    }

    /** Runs the action and returns the WARN lines the key cache logged meanwhile. */
    private static List<ILoggingEvent> captureWarnings(ThrowingRunnable action) throws Exception {
        var logger = (Logger) LoggerFactory.getLogger(JwksCache.class);
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
        return appender.list.stream().filter(line -> line.getLevel() == Level.WARN).toList();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private JwksCache fileCache(String jwksJson) throws Exception {
        Path file = Files.writeString(dir.resolve("static.jwks.json"), jwksJson);
        IssuerConfig entry = TestRegistries.fromYaml("""
                issuers:
                  - id: static
                    issuer: https://static.example
                    jwksFile: %s
                    algorithms: [RS256, ES256]
                """.formatted(file.getFileName()), dir).byId("static").orElseThrow();
        return new JwksCache(entry, TestRegistries.fetcherFor(issuer), clock, TIMING);
    }
}
