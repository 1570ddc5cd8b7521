// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.challenge.Challenges;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IAM proof end to end: a workload signs {@code GetCallerIdentity} with test credentials,
 * Vend rebuilds it and sends it to {@link FakeSts}, which checks SigV4 as real STS does: through
 * {@link SignedHostTransport} for proofs signed for AWS's own hosts, and through Vend's own
 * transport for a configured endpoint on the loopback interface.
 */
class AwsIamVerifierTest {

    static final String SERVER_ID = "https://vend.example";
    static final FakeSts.Principal DEPLOYER = new FakeSts.Principal("ASIATESTDEPLOYER0001",
            "deployer-secret-key/0123456789abcdefEXAMPLE", "IQoJb3JpZ2luX2VjEDeployerToken==",
            "111122223333", "arn:aws:sts::111122223333:assumed-role/deployer/build-42",
            "AROATESTDEPLOYERROLE:build-42");
    static final FakeSts.Principal USER = new FakeSts.Principal("AKIATESTUSER00000001",
            "user-secret-key/0123456789abcdefEXAMPLE", "", "111122223333",
            "arn:aws:iam::111122223333:user/ops/alice", "AIDATESTUSERALICE001");
    static final FakeSts.Principal FEDERATED = new FakeSts.Principal("ASIATESTFEDERATED001",
            "federated-secret/0123456789abcdefEXAMPLE", "", "111122223333",
            "arn:aws:sts::111122223333:federated-user/bob", "111122223333:bob");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private FakeSts sts;
    private Challenges challenges;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() throws Exception {
        sts = FakeSts.start(clock);
        List.of(DEPLOYER, USER, FEDERATED).forEach(sts::addPrincipal);
        challenges = new Challenges(new InMemorySingleUseStore(), clock);
        verifiers = verifiers(AwsVerifierConfig.DEFAULT_STS_HOSTS,
                SignedHostTransport.to(sts.endpoint()));
    }

    private VerifierRegistry verifiers(Set<String> hosts, AwsVerifierConfig.StsTransport send) {
        return verifiers(hosts, null, send);
    }

    private VerifierRegistry verifiers(Set<String> hosts,
            AwsVerifierConfig.@Nullable StsEndpoint endpoint, AwsVerifierConfig.StsTransport send) {
        return verifiers(new AwsVerifierConfig(challenges, clock, SERVER_ID, hosts, endpoint, send,
                Set.of(), AwsVerifierConfig.RegionCertificates.none()));
    }

    /** Verifiers on AWS's own hosts that record into {@code metrics}. */
    private VerifierRegistry recordingInto(RequestMetrics metrics) {
        return verifiers(new AwsVerifierConfig(challenges, clock, SERVER_ID,
                AwsVerifierConfig.DEFAULT_STS_HOSTS, null, SignedHostTransport.to(sts.endpoint()),
                Set.of(), AwsVerifierConfig.RegionCertificates.none(), metrics));
    }

    private VerifierRegistry verifiers(AwsVerifierConfig config) {
        return new VerifierRegistry(TestRegistries.fromYaml("""
                issuers:
                  - id: aws-iam
                    issuer: https://sts.amazonaws.com
                    preset: aws-iam
                    pinnedClaims: [account]
                """, dir), List.of(new AwsIamVerifier(config)));
    }

    @AfterEach
    void tearDown() {
        sts.close();
    }

    @Test
    void verifyWhenSignedRoleProofWithFreshChallengeThenAcceptedWithRoleAttributes() {
        VerifiedIdentity identity = verify(proof(DEPLOYER).json());

        assertThat(identity.source()).isEqualTo(IdentitySource.AWS_IAM);
        assertThat(identity.immutableId()).isEqualTo("111122223333:AROATESTDEPLOYERROLE");
        assertThat(identity.attribute("account")).contains(new AttributeValue.Str("111122223333"));
        assertThat(identity.attribute("role_name")).contains(new AttributeValue.Str("deployer"));
        assertThat(identity.attribute("session_name"))
                .contains(new AttributeValue.Str("build-42"));
        assertThat(identity.attribute("principal_type"))
                .contains(new AttributeValue.Str("assumed-role"));
    }

    @Test
    void verifyWhenProofAcceptedThenStsGotExactlyTheRebuiltRequest() {
        verify(proof(DEPLOYER).json());

        FakeSts.Request request = sts.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.target()).isEqualTo("/");
        assertThat(request.body()).isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(request.headers()).containsEntry("host", "sts.us-east-1.amazonaws.com")
                .containsEntry("x-vend-server-id", SERVER_ID)
                .containsEntry("content-type", StsRequestRebuilder.CONTENT_TYPE);
        assertThat(request.headers().keySet()).isSubsetOf("host", "content-type", "x-amz-date",
                "x-amz-security-token", "x-vend-challenge", "x-vend-server-id", "authorization",
                "content-length", "connection");
    }

    @Test
    void verifyWhenIamUserWithoutSessionTokenThenAcceptedWithUserId() {
        VerifiedIdentity identity = verify(proof(USER).withoutToken().json());

        assertThat(identity.immutableId()).isEqualTo("111122223333:AIDATESTUSERALICE001");
    }

    @Test
    void verifyWhenSameProofPresentedTwiceThenDeniesReplayed() {
        String proof = proof(DEPLOYER).json();
        verify(proof);

        assertDenied(() -> verify(proof), DenialReason.REPLAYED);
    }

    @Test
    void verifyWhenSignedWithWrongSecretThenStsRefusesAndDeniesBadSignature() {
        assertDenied(() -> verify(proof(DEPLOYER).secret("not-the-secret").json()),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenSignedForAnotherServerIdThenStsRefusesAndDeniesBadSignature() {
        // Vend sets its own server id, so a proof made for another Vend does not verify here.
        assertDenied(() -> verify(proof(DEPLOYER).serverId("https://other-vend.example").json()),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenProofChallengeEditedAfterSigningThenStsRefuses() {
        var node = proof(DEPLOYER).node();
        node.put("challenge", challenges.issue().value());

        assertDenied(() -> verify(node.toString()), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenHostNotAnStsEndpointThenDeniesUntrustedIssuerWithoutSending() {
        String proof = proof(DEPLOYER).host("sts.amazonaws.com.evil.example", "us-east-1").json();

        assertDenied(() -> verify(proof), DenialReason.UNTRUSTED_ISSUER);
        assertThat(sts.requests()).isEmpty();
    }

    @Test
    void verifyWhenGlobalEndpointThenAccepted() {
        assertThat(verify(proof(DEPLOYER).host("sts.amazonaws.com", "us-east-1").json())
                .issuerId()).isEqualTo("aws-iam");
    }

    @Test
    void verifyWhenChallengeNotInSignedHeadersThenDeniesMalformed() {
        assertDenied(() -> verify(proof(DEPLOYER).challengeNotSigned().json()),
                DenialReason.MALFORMED_TOKEN);
        assertThat(sts.requests()).isEmpty();
    }

    @Test
    void verifyWhenExtraHeaderSignedThenDeniesMalformed() {
        assertDenied(() -> verify(proof(DEPLOYER).alsoSign("X-Amz-Target", "x").json()),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenSessionTokenSentButNotSignedThenDeniesMalformed() {
        var node = proof(DEPLOYER).withoutToken().node();
        node.put("security_token", DEPLOYER.sessionToken());

        assertDenied(() -> verify(node.toString()), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenPresignedUrlOrOtherMemberSentThenDeniesMalformed() {
        var node = proof(DEPLOYER).node();
        node.put("url", "https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=0");

        assertDenied(() -> verify(node.toString()), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenSignedTwentyMinutesAgoThenDeniesExpired() {
        String proof = proof(DEPLOYER).signedAt(clock.instant().minus(Duration.ofMinutes(20)))
                .json();

        assertDenied(() -> verify(proof), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenChallengeNeverIssuedThenDeniesExpired() {
        String proof = new TestIamProofs(DEPLOYER, "q".repeat(32), SERVER_ID, clock.instant())
                .json();

        assertDenied(() -> verify(proof), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenFederatedUserThenDeniesUnsupportedForm() {
        assertDenied(() -> verify(proof(FEDERATED).withoutToken().json()),
                DenialReason.UNSUPPORTED_TOKEN_FORM);
    }

    @Test
    void verifyWhenStsUnavailableThenFailsTransientlyAndChallengeStaysUsable() {
        var builder = proof(DEPLOYER);
        sts.failNext(503, "ServiceUnavailable", 1);

        assertFailure(() -> verify(builder.json()), FailureKind.TRANSIENT);
        verify(builder.json());
    }

    // Regression: STS answers throttling with HTTP 400, and a throttled STS refused genuine
    // proofs as bad signatures instead of answering 503.
    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource({"400, Throttling", "400, RequestLimitExceeded", "429, TooManyRequestsException",
        "503, ServiceUnavailable", "500, InternalFailure"})
    void verifyWhenStsThrottlesOrFailsThenTransientAndTheChallengeIsNotConsumed(int status,
            String code) {
        var builder = proof(DEPLOYER);
        sts.failNext(status, code, 1);

        assertFailure(() -> verify(builder.json()), FailureKind.TRANSIENT);
        assertThat(verify(builder.json()).immutableId())
                .isEqualTo("111122223333:AROATESTDEPLOYERROLE");
    }

    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource({"403, InvalidClientTokenId", "403, SignatureDoesNotMatch",
        "400, IncompleteSignature", "400, ExpiredToken", "403, AccessDenied",
        "400, SomethingNew"})
    void verifyWhenStsRefusesTheSignedRequestThenDeniesBadSignature(int status, String code) {
        sts.failNext(status, code, 1);

        assertDenied(() -> verify(proof(DEPLOYER).json()), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenMetricsConfiguredThenEachStsCallIsTimedWhetherItAnswersOrFails() {
        var metrics = new RequestMetrics();
        verifiers = recordingInto(metrics);
        var builder = proof(DEPLOYER);
        sts.failNext(503, "ServiceUnavailable", 1);

        try (var scope = metrics.open()) {
            assertFailure(() -> verify(builder.json()), FailureKind.TRANSIENT);
            verify(builder.json());

            assertThat(scope.recorded()).containsOnlyKeys(Metric.STS_PROOF_LATENCY);
            assertThat(scope.recorded().get(Metric.STS_PROOF_LATENCY)).hasSize(2)
                    .allSatisfy(ms -> assertThat(ms).isPositive());
        }
        assertThat(sts.requests()).hasSize(2);
    }

    @Test
    void verifyWhenProofRefusedBeforeSendingThenNoStsCallIsTimed() {
        var metrics = new RequestMetrics();
        verifiers = recordingInto(metrics);

        try (var scope = metrics.open()) {
            assertDenied(() -> verify(proof(DEPLOYER).challengeNotSigned().json()),
                    DenialReason.MALFORMED_TOKEN);

            assertThat(scope.recorded()).isEmpty();
        }
    }

    // vend.aws-sts-endpoint: an emulator on the loopback interface, reached by Vend's own
    // transport over plain HTTP, for proofs signed for its host and port.
    @Test
    void verifyWhenProofSignedForConfiguredEndpointThenSentThereAndAccepted() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse(sts.endpoint().toString());
        verifiers = verifiers(AwsVerifierConfig.stsHosts(endpoint), endpoint,
                AwsVerifierConfig.httpsTransport(endpoint));

        VerifiedIdentity identity = verify(proof(DEPLOYER).host(endpoint.host(), "eu-west-1")
                .json());

        assertThat(identity.immutableId()).isEqualTo("111122223333:AROATESTDEPLOYERROLE");
        assertThat(sts.requests()).singleElement().satisfies(request -> {
            assertThat(request.headers()).containsEntry("host", endpoint.host());
            assertThat(request.body()).isEqualTo(StsRequestRebuilder.BODY);
        });
    }

    // Regression: any allowlisted host whose name states no region took any region in the
    // credential scope; only the configured endpoint's own STS checks that scope for Vend.
    @Test
    void verifyWhenAllowlistedHostNamesNoRegionAndIsNotTheEndpointThenDeniedWithoutSending() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse(sts.endpoint().toString());
        var hosts = new HashSet<>(AwsVerifierConfig.stsHosts(endpoint));
        hosts.add("sts.internal.example");
        verifiers = verifiers(hosts, endpoint, SignedHostTransport.to(sts.endpoint()));

        assertDenied(() -> verify(proof(DEPLOYER).host("sts.internal.example", "eu-west-1")
                .json()), DenialReason.MALFORMED_TOKEN);
        assertThat(sts.requests()).isEmpty();
        assertThat(verify(proof(DEPLOYER).host(endpoint.host(), "eu-west-1").json())
                .issuerId()).isEqualTo("aws-iam");
        verifiers = verifiers(hosts, SignedHostTransport.to(sts.endpoint()));
        assertDenied(() -> verify(proof(DEPLOYER).host(endpoint.host(), "eu-west-1").json()),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void configWhenEndpointHostNotInTheAllowlistThenRefused() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse("http://127.0.0.1:4566");

        assertThatThrownBy(() -> verifiers(AwsVerifierConfig.DEFAULT_STS_HOSTS, endpoint,
                SignedHostTransport.to(sts.endpoint())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stsHosts must hold the STS endpoint's host");
    }

    @Test
    void verifyWhenEndpointConfiguredAndProofNamesAnotherPortThenDeniedWithoutSending() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse(sts.endpoint().toString());
        verifiers = verifiers(AwsVerifierConfig.stsHosts(endpoint), endpoint,
                AwsVerifierConfig.httpsTransport(endpoint));
        int other = sts.endpoint().getPort() == 1 ? 2 : 1;

        assertDenied(() -> verify(proof(DEPLOYER).host("127.0.0.1:" + other, "us-east-1").json()),
                DenialReason.UNTRUSTED_ISSUER);
        assertThat(sts.requests()).isEmpty();
    }

    @Test
    void verifyWhenPortSignedWithoutConfiguredEndpointThenDeniedWithoutSending() {
        String proof = proof(DEPLOYER).host("sts.us-east-1.amazonaws.com:443", "us-east-1")
                .json();

        assertDenied(() -> verify(proof), DenialReason.UNTRUSTED_ISSUER);
        assertThat(sts.requests()).isEmpty();
    }

    @Test
    void verifyWhenConfiguredEndpointNamesARegionThenScopeMustBeThatRegion() {
        var fips = AwsVerifierConfig.StsEndpoint.parse("https://sts-fips.us-east-2.amazonaws.com");
        verifiers = verifiers(AwsVerifierConfig.stsHosts(fips), fips,
                SignedHostTransport.to(sts.endpoint()));

        assertDenied(() -> verify(proof(DEPLOYER).host(fips.host(), "us-west-2").json()),
                DenialReason.MALFORMED_TOKEN);
        assertThat(sts.requests()).isEmpty();
        assertThat(verify(proof(DEPLOYER).host(fips.host(), "us-east-2").json()).immutableId())
                .isEqualTo("111122223333:AROATESTDEPLOYERROLE");
    }

    @Test
    void verifyWhenConfiguredEndpointNamesARegionAndAPortThenScopeMustBeThatRegion() {
        var vpce = AwsVerifierConfig.StsEndpoint.parse(
                "https://vpce-0a1b2c3d.sts.eu-west-1.vpce.amazonaws.com:8443");
        verifiers = verifiers(AwsVerifierConfig.stsHosts(vpce), vpce,
                SignedHostTransport.to(sts.endpoint()));

        assertDenied(() -> verify(proof(DEPLOYER).host(vpce.host(), "us-east-1").json()),
                DenialReason.MALFORMED_TOKEN);
        assertThat(verify(proof(DEPLOYER).host(vpce.host(), "eu-west-1").json()).issuerId())
                .isEqualTo("aws-iam");
    }

    @Test
    void verifyWhenGlobalEndpointSignedForAnotherRegionThenDeniesMalformed() {
        assertDenied(() -> verify(proof(DEPLOYER).host("sts.amazonaws.com", "eu-west-1").json()),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenAnswerHasDoctypeThenFailsWithoutReadingEntities() {
        String xxe = "<?xml version=\"1.0\"?>"
                + "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<GetCallerIdentityResponse xmlns=\"" + CallerIdentity.NAMESPACE + "\">"
                + "<GetCallerIdentityResult><Arn>&x;</Arn><UserId>AIDA0000000000000000</UserId>"
                + "<Account>111122223333</Account></GetCallerIdentityResult>"
                + "</GetCallerIdentityResponse>";

        assertFailure(() -> CallerIdentity.parse(xxe.getBytes(StandardCharsets.UTF_8)),
                FailureKind.PERMANENT);
    }

    @Test
    void parseWhenArnOfAnotherAccountThanAccountThenDenied() {
        String xml = "<GetCallerIdentityResponse xmlns=\"" + CallerIdentity.NAMESPACE + "\">"
                + "<GetCallerIdentityResult><Arn>arn:aws:sts::999999999999:assumed-role/r/s1"
                + "</Arn><UserId>AROA0000000000000000:s1</UserId><Account>111122223333"
                + "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";

        assertDenied(() -> CallerIdentity.parse(xml.getBytes(StandardCharsets.UTF_8)),
                DenialReason.UNSUPPORTED_TOKEN_FORM);
    }

    @Test
    void parseWhenInstanceIdentityRoleThenPrincipalIdNamesTheInstance() {
        CallerIdentity caller = CallerIdentity.parse(answer(
                "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0123456789abcdef0",
                "111122223333:aws:ec2-instance:i-0123456789abcdef0"));

        assertThat(caller.roleName()).isEqualTo("aws:ec2-instance");
        assertThat(caller.sessionName()).isEqualTo("i-0123456789abcdef0");
        assertThat(caller.principalId()).isEqualTo("aws:ec2-instance:i-0123456789abcdef0");
    }

    @Test
    void parseWhenInstanceIdentityRoleUserIdNamesAnotherInstanceThenFails() {
        assertFailure(() -> CallerIdentity.parse(answer(
                "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0123456789abcdef0",
                "111122223333:aws:ec2-instance:i-0fffffffffffffff0")), FailureKind.PERMANENT);
    }

    private static byte[] answer(String arn, String userId) {
        return ("<GetCallerIdentityResponse xmlns=\"" + CallerIdentity.NAMESPACE + "\">"
                + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>" + userId
                + "</UserId><Account>111122223333</Account></GetCallerIdentityResult>"
                + "</GetCallerIdentityResponse>").getBytes(StandardCharsets.UTF_8);
    }

    private TestIamProofs proof(FakeSts.Principal principal) {
        return new TestIamProofs(principal, challenges.issue().value(), SERVER_ID,
                clock.instant());
    }

    private VerifiedIdentity verify(String proof) {
        return verifiers.verify(new Attestation(TokenTypes.AWS_IAM_PROOF, proof));
    }
}
