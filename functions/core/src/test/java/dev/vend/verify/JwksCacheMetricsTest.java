// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one issuer's key cache records into the request's metrics, against a real HTTPS issuer:
 * one cache outcome per lookup that answers, counted after the lookup knows whether it fetched,
 * and the duration of each fetch it makes.
 */
class JwksCacheMetricsTest {

    private static final ECKey EC = TestKeys.ecP256();
    private static final JwksCache.Timing TIMING = JwksCache.Timing.defaults();

    @TempDir
    Path dir;

    private final RequestMetrics metrics = new RequestMetrics();
    private TestOidcIssuer issuer;
    private MutableClock clock;
    private JwksCache cache;

    @BeforeEach
    void setUp() {
        issuer = TestOidcIssuer.start("", List.of(EC));
        clock = MutableClock.atWholeSecondNow();
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: test
                    issuer: %s
                    discovery: true
                    allowPrivateNetwork: true
                    algorithms: [ES256]
                """.formatted(issuer.issuer()), dir);
        cache = IssuerKeys.forRegistry(registry, TestRegistries.fetcherFor(issuer), clock, TIMING,
                metrics).forIssuer(registry.byId("test").orElseThrow());
    }

    @AfterEach
    void tearDown() {
        issuer.close();
    }

    /** One lookup of the issuer's signing key inside its own request scope. */
    private Map<Metric, List<Double>> lookUp(String kid) {
        try (var scope = metrics.open()) {
            cache.candidates(kid, JWSAlgorithm.ES256);
            return scope.recorded();
        }
    }

    @Test
    void candidatesWhenNoKeysHeldYetThenMissAndTheFetchDuration() {
        Map<Metric, List<Double>> recorded = lookUp(EC.getKeyID());

        assertThat(recorded).containsOnlyKeys(Metric.JWKS_CACHE_MISS, Metric.JWKS_FETCH_LATENCY);
        assertThat(recorded.get(Metric.JWKS_CACHE_MISS)).containsExactly(1.0);
        assertThat(recorded.get(Metric.JWKS_FETCH_LATENCY)).singleElement()
                .satisfies(ms -> assertThat(ms).isPositive());
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenFreshKeysHoldTheKidThenHitWithoutAFetch() {
        lookUp(EC.getKeyID());

        Map<Metric, List<Double>> recorded = lookUp(EC.getKeyID());

        assertThat(recorded).containsExactly(Map.entry(Metric.JWKS_CACHE_HIT, List.of(1.0)));
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenHeldKeysAreDueThenRefreshAndTheFetchDuration() {
        lookUp(EC.getKeyID());
        clock.advance(TIMING.refreshInterval().plusSeconds(1));

        Map<Metric, List<Double>> recorded = lookUp(EC.getKeyID());

        assertThat(recorded).containsOnlyKeys(Metric.JWKS_CACHE_REFRESH,
                Metric.JWKS_FETCH_LATENCY);
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void candidatesWhenTokenNamesAKidTheHeldKeysLackThenMiss() {
        lookUp(EC.getKeyID());
        clock.advance(TIMING.unknownKeyCooldown().plusSeconds(1));

        Map<Metric, List<Double>> recorded = lookUp("kid-the-issuer-never-published");

        assertThat(recorded.get(Metric.JWKS_CACHE_MISS)).containsExactly(1.0);
        assertThat(recorded).doesNotContainKey(Metric.JWKS_CACHE_HIT);
        assertThat(recorded.get(Metric.JWKS_FETCH_LATENCY)).hasSize(1);
    }

    @Test
    void candidatesWhenNoKeysCanBeFetchedThenMissIsRecordedAndTheLookupFails() {
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 503);

        assertThat(failedLookUp()).containsOnlyKeys(Metric.JWKS_CACHE_MISS,
                Metric.JWKS_FETCH_LATENCY);
    }

    @Test
    void candidatesWhenHeldKeysAreDueAndTheRefreshFailsThenStaleNotRefresh() {
        keysHeldAndDueWhileTheIssuerFails();

        Map<Metric, List<Double>> recorded = lookUp(EC.getKeyID());

        assertThat(recorded).containsOnlyKeys(Metric.JWKS_CACHE_STALE, Metric.JWKS_FETCH_LATENCY);
        assertThat(recorded.get(Metric.JWKS_CACHE_STALE)).containsExactly(1.0);
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void candidatesWhenDueKeysAnswerWithinTheCooldownOfAFailedRefreshThenStaleWithoutAFetch() {
        keysHeldAndDueWhileTheIssuerFails();
        lookUp(EC.getKeyID());

        Map<Metric, List<Double>> recorded = lookUp(EC.getKeyID());

        assertThat(recorded).containsExactly(Map.entry(Metric.JWKS_CACHE_STALE, List.of(1.0)));
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void candidatesWhenTokenNamesAnUnknownKidWithinTheCooldownThenHitWithoutAFetch() {
        lookUp(EC.getKeyID());

        Map<Metric, List<Double>> recorded = lookUp("kid-the-issuer-never-published");

        assertThat(recorded).containsExactly(Map.entry(Metric.JWKS_CACHE_HIT, List.of(1.0)));
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void candidatesWhenTheRefetchForAnUnknownKidFailsThenStale() {
        lookUp(EC.getKeyID());
        clock.advance(TIMING.unknownKeyCooldown().plusSeconds(1));
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 503);

        Map<Metric, List<Double>> recorded = lookUp("kid-the-issuer-never-published");

        assertThat(recorded).containsOnlyKeys(Metric.JWKS_CACHE_STALE, Metric.JWKS_FETCH_LATENCY);
        assertThat(issuer.jwksFetches()).isEqualTo(2);
    }

    @Test
    void candidatesWhenNoKeysAndTheCooldownForbidsAFetchThenFailsRecordingNothing() {
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 503);
        assertThat(failedLookUp()).containsOnlyKeys(Metric.JWKS_CACHE_MISS,
                Metric.JWKS_FETCH_LATENCY);

        assertThat(failedLookUp()).isEmpty();
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    /** Keys fetched once, then due for refresh, while the issuer's JWKS endpoint answers 503. */
    private void keysHeldAndDueWhileTheIssuerFails() {
        lookUp(EC.getKeyID());
        clock.advance(TIMING.refreshInterval().plusSeconds(1));
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 503);
    }

    /** One lookup that must fail transiently, inside its own request scope. */
    private Map<Metric, List<Double>> failedLookUp() {
        try (var scope = metrics.open()) {
            assertFailure(() -> cache.candidates(EC.getKeyID(), JWSAlgorithm.ES256),
                    FailureKind.TRANSIENT);
            return scope.recorded();
        }
    }

    @Test
    void candidatesWhenKeysComeFromAStaticFileThenHitAndNoFetch() {
        Path jwks = issuer.writeJwksFile(dir.resolve("jwks.json"));
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: static
                    issuer: https://static.example.test
                    jwksFile: %s
                    algorithms: [ES256]
                """.formatted(jwks), dir);
        cache = new JwksCache(registry.byId("static").orElseThrow(),
                TestRegistries.fetcherFor(issuer), clock, TIMING, metrics);

        assertThat(lookUp(EC.getKeyID()))
                .containsExactly(Map.entry(Metric.JWKS_CACHE_HIT, List.of(1.0)));
        assertThat(issuer.jwksFetches()).isZero();
    }
}
