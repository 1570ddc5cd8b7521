// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.challenge.Challenges;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.IssuedToken;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestGceTokens;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs each benchmark's setup and each benchmark method once (the cloud verifiers twice, as a
 * benchmark loop presents one proof again and again), so the build proves that the benchmarks
 * measure what they claim (a token is really issued, a proof really verifies, the floor really
 * verifies and signs) without running JMH. The EC2 cases read realdocs and skip without it.
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rsa2048", "pkcs7", "signature"})
    void ec2BundleWhenVerifiedTwiceThenSameInstanceEachTimeAndFloorVerifies(String form)
            throws Exception {
        var bench = new Ec2BundleBenchmark();
        bench.form = form;
        bench.setUp();
        try {
            VerifiedIdentity first = bench.verify();
            VerifiedIdentity again = bench.verify();

            assertThat(first.source()).isEqualTo(IdentitySource.AWS_EC2);
            assertThat(again.immutableId())
                    .isEqualTo(InstanceDocuments.ACCOUNT + ":" + InstanceDocuments.INSTANCE);
            assertThat(again.attribute("region")).contains(new AttributeValue.Str("us-east-2"));
            assertEachVerificationConsumedItsChallenge(bench.cloud(), 2);
            assertThat(bench.cloud().sts().requests()).isEqualTo(2);
            assertThat(bench.cloud().sts().lastRequest()).isNotNull().satisfies(request ->
                    assertThat(request.headers())
                            .containsEntry("X-Vend-Server-Id", CloudVerifiers.VEND_URL)
                            .containsKey("X-Vend-Challenge"));
            assertThat(bench.floor()).isTrue();
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void iamProofWhenVerifiedTwiceThenRoleSessionEachTime() {
        var bench = new IamProofBenchmark();
        bench.setUp();
        try {
            bench.verify();
            VerifiedIdentity again = bench.verify();

            assertThat(again.source()).isEqualTo(IdentitySource.AWS_IAM);
            assertThat(again.attribute("role_name")).contains(new AttributeValue.Str("deployer"));
            assertEachVerificationConsumedItsChallenge(bench.cloud(), 2);
            assertThat(bench.cloud().sts().requests()).isEqualTo(2);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"azure", "attributes"})
    void azureWhenVerifiedTwiceThenVmEachTimeAndFloorVerifies(String shape) throws Exception {
        var bench = new AzureBenchmark();
        bench.shape = shape;
        bench.setUp();
        try {
            bench.verify();
            VerifiedIdentity again = bench.verify();

            assertThat(again.source()).isEqualTo(IdentitySource.AZURE_IMDS);
            assertThat(again.attribute("vm_id"))
                    .contains(new AttributeValue.Str("bd8e7443-24a0-41f3-b949-8baf4fd1c573"));
            assertEachVerificationConsumedItsChallenge(bench.cloud(), 2);
            assertThat(bench.signatureFloor().verify()).isTrue();
            assertThat(bench.chainFloor().validate()).isNotNull();
            bench.floor(new Blackhole(BLACKHOLE_CONSENT));
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void gceWhenVerifiedTwiceThenVmEachTimeAndFloorVerifies() throws Exception {
        var bench = new GceBenchmark();
        bench.setUp();
        try {
            bench.verify();
            VerifiedIdentity again = bench.verify();

            assertThat(again.source()).isEqualTo(IdentitySource.GCE);
            assertThat(again.attribute("instance_id"))
                    .contains(new AttributeValue.Str(TestGceTokens.INSTANCE_ID));
            assertEachVerificationConsumedItsChallenge(bench.cloud(), 2);
            assertThat(bench.floor()).isTrue();
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "signed attributes: {0}")
    @ValueSource(booleans = {false, true})
    void signatureFloorWhenContentChangedAfterSigningThenFalse(boolean signedAttributes)
            throws Exception {
        try (CloudVerifiers cloud = CloudVerifiers.start()) {
            byte[] pkcs7 = cloud.azurePkcs7(signedAttributes);
            byte[] edited = TestAzureAttested.withContent(pkcs7,
                    "{\"nonce\":\"edited\"}".getBytes(StandardCharsets.UTF_8));
            var key = cloud.azurePki().signer().getPublicKey();

            assertThat(SignatureFloor.pkcs7(pkcs7, key, "SHA256withRSA").verify()).isTrue();
            assertThat(SignatureFloor.pkcs7(edited, key, "SHA256withRSA").verify()).isFalse();
        }
    }

    @Test
    void chainFloorWhenAnotherRootThenRefused() {
        try (CloudVerifiers cloud = CloudVerifiers.start()) {
            TestAzureAttested pki = cloud.azurePki();
            var other = new TestAzureAttested(cloud.now().minus(Duration.ofDays(1)),
                    cloud.now().plus(Duration.ofDays(1)), "metadata.azure.com");
            var floor = new PkixFloor(List.of(pki.signer(), pki.ca()), other.root(), cloud.now());

            assertThatExceptionOfType(CertPathValidatorException.class)
                    .isThrownBy(floor::validate);
        }
    }

    @Test
    void jwsFloorWhenAnotherKeyThenFalse() throws Exception {
        try (CloudVerifiers cloud = CloudVerifiers.start()) {
            String token = cloud.gceToken();

            assertThat(new JwsFloor(token, cloud.googleKey()).verify()).isTrue();
            assertThat(new JwsFloor(token, TestKeys.rsa2048(1)).verify()).isFalse();
        }
    }

    @Test
    void reusableStoreWhenChallengeNeverIssuedThenStillRefused() {
        var challenges = new Challenges(new ReusableChallengeStore(), Clock.systemUTC());
        String issued = challenges.issue().value();
        challenges.consume(issued, null);
        challenges.consume(issued, null);

        assertThatExceptionOfType(DenialException.class)
                .isThrownBy(() -> challenges.consume("k".repeat(Challenges.LENGTH), null))
                .satisfies(denial -> assertThat(denial.reason()).isEqualTo(DenialReason.EXPIRED));
    }

    private static void assertEachVerificationConsumedItsChallenge(CloudVerifiers cloud,
            long verifications) {
        assertThat(cloud.challengesConsumed()).isEqualTo(verifications);
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
