// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestAwsPrincipal;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IAM proof end to end: a workload signs {@code GetCallerIdentity} with test credentials,
 * Vend rebuilds it and sends it to an STS fake that checks SigV4 as real STS does.
 */
class AwsIamVerifierTest {

    static final String SERVER_ID = "https://vend.example";
    static final TestAwsPrincipal DEPLOYER = new TestAwsPrincipal("ASIATESTDEPLOYER0001",
            "deployer-secret-key/0123456789abcdefEXAMPLE", "IQoJb3JpZ2luX2VjEDeployerToken==",
            "111122223333", "arn:aws:sts::111122223333:assumed-role/deployer/build-42",
            "AROATESTDEPLOYERROLE:build-42");
    static final TestAwsPrincipal USER = new TestAwsPrincipal("AKIATESTUSER00000001",
            "user-secret-key/0123456789abcdefEXAMPLE", "", "111122223333",
            "arn:aws:iam::111122223333:user/ops/alice", "AIDATESTUSERALICE001");
    static final TestAwsPrincipal FEDERATED = new TestAwsPrincipal("ASIATESTFEDERATED001",
            "federated-secret/0123456789abcdefEXAMPLE", "", "111122223333",
            "arn:aws:sts::111122223333:federated-user/bob", "111122223333:bob");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private StsFake sts;
    private Challenges challenges;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() throws Exception {
        sts = new StsFake(clock);
        List.of(DEPLOYER, USER, FEDERATED).forEach(sts::add);
        challenges = new Challenges(new InMemorySingleUseStore(), clock);
        var config = new AwsVerifierConfig(challenges, clock, SERVER_ID,
                AwsVerifierConfig.DEFAULT_STS_HOSTS, sts.transport(), Set.of());
        verifiers = new VerifierRegistry(TestRegistries.fromYaml("""
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

        StsFake.Received request = sts.received.get(0);
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
        assertThat(sts.received).isEmpty();
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
        assertThat(sts.received).isEmpty();
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
        sts.forcedStatus = 503;

        assertFailure(() -> verify(builder.json()), FailureKind.TRANSIENT);
        sts.forcedStatus = 0;
        verify(builder.json());
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

    private TestIamProofs proof(TestAwsPrincipal principal) {
        return new TestIamProofs(principal, challenges.issue().value(), SERVER_ID,
                clock.instant());
    }

    private VerifiedIdentity verify(String proof) {
        return verifiers.verify(new Attestation(TokenTypes.AWS_IAM_PROOF, proof));
    }
}
