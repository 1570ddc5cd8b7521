// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.audit.AuditLog;
import dev.vend.challenge.Challenges;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.model.Attestation;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.aws.AwsVerifierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS IAM proof's call to STS, as the deployment wires the AWS verifiers, is timed into the
 * request's metrics ({@code StsProofLatency}), even when policy then refuses the request.
 */
class AwsProofMetricsWiringTest {

    private static final String ISSUER_URL = "https://vend.test";
    private static final FakeSts.Principal WORKLOAD = new FakeSts.Principal(
            "ASIATESTWORKLOAD0001", "workload-secret-key/0123456789abcdefEXAMPLE",
            "IQoJb3JpZ2luX2VjEWorkloadToken==", "111122223333",
            "arn:aws:sts::111122223333:assumed-role/builder/build-7",
            "AROATESTBUILDERROLE:build-7");

    @TempDir
    Path dir;

    @Test
    void vendWhenAnIamProofIsCheckedWithStsThenTheCallIsTimedIntoTheRequestsMetrics()
            throws Exception {
        var metrics = new RequestMetrics();
        var store = new InMemorySingleUseStore();
        Clock clock = Clock.systemUTC();
        try (FakeSts sts = FakeSts.start(clock)) {
            sts.addPrincipal(WORKLOAD);
            String url = sts.endpoint().toString();
            var endpoint = AwsVerifierConfig.StsEndpoint.parse(url);
            VendAssembly assembly = VendAssembly.build(settings(url),
                    new VendAssembly.Environment(clock, store, AuditLog.discarding(),
                            HttpsFetcher.withDefaultTrust(), metrics));
            String proof = new TestIamProofs(WORKLOAD,
                    new Challenges(store, clock).issue().value(), ISSUER_URL, clock.instant())
                    .host(endpoint.host(), "us-east-1").json();

            try (var scope = metrics.open()) {
                // No policy entitles the caller: refused once STS has answered for the proof.
                DenialException denial = catchThrowableOfType(DenialException.class,
                        () -> assembly.service().vend(new TokenRequest("r1",
                                new Attestation(TokenTypes.AWS_IAM_PROOF, proof), List.of(),
                                Set.of(), null)));

                assertThat(denial.reason()).isEqualTo(DenialReason.NO_MATCHING_POLICY);
                assertThat(scope.recorded().get(Metric.STS_PROOF_LATENCY)).singleElement()
                        .satisfies(ms -> assertThat(ms).isPositive());
            }
            assertThat(sts.requests()).hasSize(1);
        }
    }

    private VendSettings settings(String stsEndpoint) throws Exception {
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: aws-iam
                    issuer: https://sts.amazonaws.com
                    preset: aws-iam
                    pinnedClaims: [account]
                """);
        Path policies = Files.createDirectories(dir.resolve("policies"));
        return new VendSettings(ISSUER_URL, issuers.toString(), policies.toString(),
                dir.resolve("state").toString(), "ES256", null, null, null, 300, 3600, null, null,
                null, null, stsEndpoint, null, null);
    }
}
