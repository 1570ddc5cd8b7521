// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.model.IssuedToken;
import dev.vend.policy.Decision;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs each benchmark's setup and each benchmark method once, so the build proves that the
 * benchmarks measure what they claim (a token is really issued, the floor really verifies and
 * signs) without running JMH.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchmarkSetupTest {

    private static final String BLACKHOLE_CONSENT =
            "Today's password is swordfish. I understand instantiating Blackholes directly is "
                    + "dangerous.";

    @ParameterizedTest(name = "{0} in, {1} out")
    @CsvSource({"RS256, RS256", "RS256, ES256", "ES256, RS256", "ES256, ES256"})
    void vendWhenRunOnceThenIssuesTokenSignedByVendsKeyAndAuditsEachCall(String inbound,
            String outbound) throws Exception {
        var bench = new VendBenchmark();
        bench.inbound = inbound;
        bench.outbound = outbound;
        bench.setUp();
        try {
            IssuedToken token = bench.vend();

            SignedJWT jwt = SignedJWT.parse(token.accessToken());
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(outbound);
            assertThat(jwt.verify(verifier(bench.pipeline().signingKey().publicJwk()))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(VendPipeline.AUDIENCE);
            assertThat(bench.pipeline().auditEvents()).isEqualTo(2);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "{0} in, {1} out")
    @CsvSource({"RS256, RS256", "RS256, ES256", "ES256, RS256", "ES256, ES256"})
    void floorAndStepsWhenRunOnceThenVerifyInboundAndSignOutbound(String inbound, String outbound)
            throws Exception {
        var bench = new VendBenchmark();
        bench.inbound = inbound;
        bench.outbound = outbound;
        bench.setUp();
        try {
            assertThat(bench.cryptoFloor().verifyInbound()).isTrue();
            assertThat(bench.cryptoFloor().signOutbound().decode()).isNotEmpty();
            bench.floor(new Blackhole(BLACKHOLE_CONSENT));
            assertThat(bench.verifyStep().vendSubject()).isEqualTo("oidc:ci:workload-0");
            assertThat(SignedJWT.parse(bench.issueStep().accessToken()).getHeader()
                    .getAlgorithm().getName()).isEqualTo(outbound);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "{0} policies")
    @ValueSource(ints = {10, 1000})
    void evaluateWhenManyPoliciesThenOnlyTheMiddleOneMatchesAndAllows(int policies) {
        var bench = new PolicyBenchmark();
        bench.policies = policies;
        bench.setUp();
        try {
            Decision decision = bench.evaluate();

            assertThat(decision).isInstanceOf(Decision.Allow.class);
            assertThat(((Decision.Allow) decision).entitlement().policyId())
                    .isEqualTo("ci-workload-%05d".formatted(policies / 2));
            // The store's index leaves only the one policy that pins this workload's sub.
            assertThat(decision.outcomes()).singleElement()
                    .satisfies(outcome -> assertThat(outcome.matched()).isTrue());
            assertThat(bench.vend().accessToken()).isNotEmpty();
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void startWhenNoPolicyThenRefused() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                VendPipeline.start(JWSAlgorithm.ES256, JWSAlgorithm.ES256, 0));
    }

    private static JWSVerifier verifier(JWK key) throws Exception {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        return new ECDSAVerifier((ECKey) key);
    }
}
