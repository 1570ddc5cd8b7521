// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertAcceptedOrDenied;
import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.VerifyAssertions;
import dev.vend.verify.aws.AwsVerifierConfig.RegionCertificates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EC2 bundle: a genuine RSA-2048 instance document from realdocs/aws-iid (AWS's keys can not
 * sign at test time), or one signed at test time under a region certificate the deployment
 * configures, bound to IAM proofs signed at test time and checked by {@link FakeSts}. The
 * document's own age does not matter: freshness comes from the consumed challenge (BUG-21).
 */
class Ec2BundleVerifierTest {

    static final String IID = "aws-iid/iid-04-us-west-2-2021-rsa2048/";
    static final String ACCOUNT = "278576220453";
    static final String INSTANCE = "i-078517ca8a70a1dde";
    static final FakeSts.Principal INSTANCE_ROLE = new FakeSts.Principal("ASIATESTINSTANCE0001",
            "instance-secret/0123456789abcdefEXAMPLE", "IQoJInstanceRoleToken==", ACCOUNT,
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/aws:ec2-instance/" + INSTANCE,
            ACCOUNT + ":aws:ec2-instance:" + INSTANCE);
    /** Another principal of the same account, whose session is named after the instance. */
    static final FakeSts.Principal LOOKALIKE = new FakeSts.Principal("ASIATESTLOOKALIKE001",
            "lookalike-secret/0123456789abcdefEXAMPLE", "IQoJLookalikeToken==", ACCOUNT,
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/deployer/" + INSTANCE,
            "AROATESTDEPLOYER0001:" + INSTANCE);
    static final FakeSts.Principal OTHER_INSTANCE = new FakeSts.Principal("ASIATESTOTHERINST001",
            "other-secret/0123456789abcdefEXAMPLE", "IQoJOtherToken==", ACCOUNT,
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/aws:ec2-instance/i-0aaaabbbbccccdddd",
            ACCOUNT + ":aws:ec2-instance:i-0aaaabbbbccccdddd");
    static final FakeSts.Principal OTHER_ACCOUNT = new FakeSts.Principal("ASIATESTOTHERACCT001",
            "account-secret/0123456789abcdefEXAMPLE", "IQoJAccountToken==", "999988887777",
            "arn:aws:sts::999988887777:assumed-role/aws:ec2-instance/" + INSTANCE,
            "999988887777:aws:ec2-instance:" + INSTANCE);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private FakeSts sts;
    private Challenges challenges;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() throws Exception {
        sts = FakeSts.start(clock);
        List.of(INSTANCE_ROLE, LOOKALIKE, OTHER_INSTANCE, OTHER_ACCOUNT).forEach(sts::addPrincipal);
        challenges = new Challenges(new InMemorySingleUseStore(), clock);
        verifiers = verifiers(Set.of());
    }

    @AfterEach
    void tearDown() {
        sts.close();
    }

    @Test
    void verifyWhenDocumentAndInstanceRoleProofAgreeThenAcceptedWithDocumentAttributes() {
        VerifiedIdentity identity = verify(bundle(rsa2048(), proof(INSTANCE_ROLE)));

        assertThat(identity.source()).isEqualTo(IdentitySource.AWS_EC2);
        assertThat(identity.immutableId()).isEqualTo(ACCOUNT + ":" + INSTANCE);
        assertThat(identity.attribute("region")).contains(new AttributeValue.Str("us-west-2"));
        assertThat(identity.attribute("image_id"))
                .contains(new AttributeValue.Str("ami-0fa9e1f64142cde17"));
        assertThat(identity.attribute("instance_type"))
                .contains(new AttributeValue.Str("t2.medium"));
        assertThat(identity.attribute("arn")).contains(new AttributeValue.Str(INSTANCE_ROLE.arn()));
    }

    // BUG-21 A: a copied document presented with someone else's fresh proof.
    @Test
    void verifyWhenIamProofFromAnotherPrincipalOfSameAccountThenDeniedUntrustedIssuer() {
        assertDenied(() -> verify(bundle(rsa2048(), proof(LOOKALIKE))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenInstanceRoleOfAnotherInstanceThenDeniedUntrustedIssuer() {
        assertDenied(() -> verify(bundle(rsa2048(), proof(OTHER_INSTANCE))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenInstanceRoleOfAnotherAccountThenDeniedUntrustedIssuer() {
        assertDenied(() -> verify(bundle(rsa2048(), proof(OTHER_ACCOUNT))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    // BUG-21 A: the same document and binding presented a second time.
    @Test
    void verifyWhenBundleReplayedThenDeniesReplayed() {
        String bundle = bundle(rsa2048(), proof(INSTANCE_ROLE));
        verify(bundle);

        assertDenied(() -> verify(bundle), DenialReason.REPLAYED);
    }

    @Test
    void verifyWhenDocumentReusedWithFreshProofThenAcceptedAgain() {
        // The document is the same for the instance's life; the proof makes each use fresh.
        verify(bundle(rsa2048(), proof(INSTANCE_ROLE)));

        assertThat(verify(bundle(rsa2048(), proof(INSTANCE_ROLE))).immutableId())
                .isEqualTo(ACCOUNT + ":" + INSTANCE);
    }

    @Test
    void verifyWhenDocumentWithoutIamProofThenDeniesMalformed() {
        ObjectNode bundle = TestIamProofs.JSON.createObjectNode();
        bundle.set("instance_document", rsa2048());

        assertDenied(() -> verify(bundle.toString()), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenSentDocumentDiffersFromSignedContentThenDeniesBadSignature() {
        ObjectNode document = rsa2048();
        document.put("document", RealDocs.read(IID + "document.json")
                .replace("t2.medium", "p4d.24xlarge"));

        assertDenied(() -> verify(bundle(document, proof(INSTANCE_ROLE))),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenSentDocumentEqualsSignedContentThenAccepted() {
        ObjectNode document = rsa2048();
        document.put("document", RealDocs.read(IID + "document.json"));

        assertThat(verify(bundle(document, proof(INSTANCE_ROLE))).issuerId())
                .isEqualTo("aws-ec2");
    }

    @Test
    void verifyWhenDsaFormNotOptedInThenDeniesUnsupportedAlgorithm() {
        ObjectNode dsa = TestIamProofs.JSON.createObjectNode();
        dsa.put("form", "pkcs7");
        dsa.put("signature", RealDocs.read("aws-iid/iid-06-us-east-2-2018-all3/pkcs7.b64"));

        assertDenied(() -> verify(bundle(dsa, proof(INSTANCE_ROLE))),
                DenialReason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenUnknownFormThenDeniesUnsupportedForm() {
        ObjectNode document = rsa2048();
        document.put("form", "rsa4096");

        assertDenied(() -> verify(bundle(document, proof(INSTANCE_ROLE))),
                DenialReason.UNSUPPORTED_TOKEN_FORM);
    }

    // vend.aws-region-certificates-file: a region's certificate from the deployment.
    @Test
    void verifyWhenDocumentSignedForRegionOfConfiguredCertificateThenAccepted() {
        var instance = new TestInstanceDocuments();
        verifiers = verifiers(Set.of(), RegionCertificates.load(
                instance.writeRegionCertificatesFile(dir, "xx-vend-1")));
        String document = TestInstanceDocuments.document(ACCOUNT, "xx-vend-1", INSTANCE);

        VerifiedIdentity identity = verify(bundle(instance.rsa2048(document),
                proof(INSTANCE_ROLE)));

        assertThat(identity.immutableId()).isEqualTo(ACCOUNT + ":" + INSTANCE);
        assertThat(identity.attribute("region")).contains(new AttributeValue.Str("xx-vend-1"));
    }

    @Test
    void verifyWhenTestSignedDocumentAndNoCertificateConfiguredThenDenied() {
        var instance = new TestInstanceDocuments();
        String unknownRegion = TestInstanceDocuments.document(ACCOUNT, "xx-vend-1", INSTANCE);
        String shippedRegion = TestInstanceDocuments.document(ACCOUNT, "us-west-2", INSTANCE);

        assertDenied(() -> verify(bundle(instance.rsa2048(unknownRegion), proof(INSTANCE_ROLE))),
                DenialReason.UNKNOWN_KEY);
        assertDenied(() -> verify(bundle(instance.rsa2048(shippedRegion), proof(INSTANCE_ROLE))),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenConfiguredCertificateReplacesShippedRegionThenOnlyItVerifies() {
        var instance = new TestInstanceDocuments();
        verifiers = verifiers(Set.of(), RegionCertificates.load(
                instance.writeRegionCertificatesFile(dir, "us-west-2")));
        String testSigned = TestInstanceDocuments.document(ACCOUNT, "us-west-2", INSTANCE);

        assertThat(verify(bundle(instance.rsa2048(testSigned), proof(INSTANCE_ROLE)))
                .immutableId()).isEqualTo(ACCOUNT + ":" + INSTANCE);
        // AWS's genuine us-west-2 document no longer verifies: the shipped key was replaced.
        assertDenied(() -> verify(bundle(rsa2048(), proof(INSTANCE_ROLE))),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenDocumentSignedByAnotherKeyThanConfiguredThenDeniesBadSignature() {
        var configured = new TestInstanceDocuments();
        verifiers = verifiers(Set.of(), RegionCertificates.load(
                configured.writeRegionCertificatesFile(dir, "xx-vend-1")));
        String document = TestInstanceDocuments.document(ACCOUNT, "xx-vend-1", INSTANCE);

        assertDenied(() -> verify(bundle(new TestInstanceDocuments().rsa2048(document),
                proof(INSTANCE_ROLE))), DenialReason.BAD_SIGNATURE);
    }

    // The bundle's IAM proof goes through the same STS call: throttling (HTTP 400) is an outage.
    @Test
    void verifyWhenStsThrottlesTheInstanceRoleProofThenTransientAndTheProofStillUsable() {
        String bundle = bundle(rsa2048(), proof(INSTANCE_ROLE));
        sts.failNext(400, "Throttling", 1);

        assertFailure(() -> verify(bundle), FailureKind.TRANSIENT);
        assertThat(verify(bundle).immutableId()).isEqualTo(ACCOUNT + ":" + INSTANCE);
    }

    /**
     * Regression: a PKCS7 whose inner structures were broken (found by the token endpoint's
     * fuzz test) escaped BouncyCastle as IllegalArgumentException and was answered 500.
     */
    @Test
    void verifyWhenDocumentPkcs7BytesChangedOrCutThenEveryCopyRefusedNoneFails() {
        byte[] der = DocumentSignature.base64(RealDocs.read(IID + "pkcs7.pem"));
        // One proof for all: a copy whose signature still verifies is refused as a replay.
        ObjectNode proof = proof(INSTANCE_ROLE);

        int i = 0;
        for (byte[] copy : VerifyAssertions.mutations(der, 11, 1_000)) {
            ObjectNode document = TestIamProofs.JSON.createObjectNode();
            document.put("form", "rsa2048");
            document.put("signature", Base64.getEncoder().encodeToString(copy));
            assertAcceptedOrDenied(() -> verify(bundle(document, proof)), "mutation " + i++);
        }
    }

    private VerifierRegistry verifiers(Set<AwsVerifierConfig.LegacyForm> legacy) {
        return verifiers(legacy, AwsVerifierConfig.RegionCertificates.none());
    }

    private VerifierRegistry verifiers(Set<AwsVerifierConfig.LegacyForm> legacy,
            AwsVerifierConfig.RegionCertificates certificates) {
        var config = new AwsVerifierConfig(challenges, clock, "https://vend.example",
                AwsVerifierConfig.DEFAULT_STS_HOSTS, SignedHostTransport.to(sts.endpoint()), legacy,
                certificates);
        return new VerifierRegistry(TestRegistries.fromYaml("""
                issuers:
                  - id: aws-ec2
                    issuer: https://ec2.amazonaws.com
                    preset: aws-ec2
                    pinnedClaims: [account]
                """, dir), List.of(new Ec2BundleVerifier(config)));
    }

    private ObjectNode rsa2048() {
        ObjectNode document = TestIamProofs.JSON.createObjectNode();
        document.put("form", "rsa2048");
        document.put("signature", RealDocs.read(IID + "pkcs7.pem"));
        return document;
    }

    private ObjectNode proof(FakeSts.Principal principal) {
        return new TestIamProofs(principal, challenges.issue().value(), "https://vend.example",
                clock.instant()).node();
    }

    private static String bundle(ObjectNode document, ObjectNode proof) {
        ObjectNode bundle = TestIamProofs.JSON.createObjectNode();
        bundle.set("instance_document", document);
        bundle.set("iam_proof", proof);
        return bundle.toString();
    }

    private VerifiedIdentity verify(String bundle) {
        return verifiers.verify(new Attestation(TokenTypes.AWS_EC2_BUNDLE, bundle));
    }
}
