// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import static dev.vend.verify.VerifyAssertions.assertAcceptedOrDenied;
import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.verify.DenialReason;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.VerifyAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Azure attested-document verifier, routed by {@link VerifierRegistry} from its token type,
 * on documents signed at test time by a PKI the test makes.
 */
class AzureVerifierTest {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final TestAzureAttested PKI = new TestAzureAttested(
            NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(30)),
            "eastus.metadata.azure.com", "metadata.azure.com");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private Challenges challenges;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() {
        challenges = new Challenges(new InMemorySingleUseStore(), clock);
        verifiers = verifiers(List.of(PKI.root()), List.of(PKI.ca()));
    }

    @Test
    void verifyWhenAzureShapedDocumentWithFreshChallengeThenAcceptedWithVmAttributes() {
        String nonce = challenges.issue().value();

        VerifiedIdentity identity = verify(PKI.signLikeAzure(content(nonce)));

        assertThat(identity.source()).isEqualTo(IdentitySource.AZURE_IMDS);
        assertThat(identity.issuerId()).isEqualTo("azure");
        assertThat(identity.attribute("vm_id"))
                .contains(new AttributeValue.Str("bd8e7443-24a0-41f3-b949-8baf4fd1c573"));
        assertThat(identity.attribute("subscription_id"))
                .contains(new AttributeValue.Str("5f130ffc-0a3e-4795-b691-4f56a12a5547"));
        assertThat(identity.attribute("sku")).contains(new AttributeValue.Str("22_04-lts-gen2"));
        assertThat(identity.immutableId()).isEqualTo(
                "5f130ffc-0a3e-4795-b691-4f56a12a5547:bd8e7443-24a0-41f3-b949-8baf4fd1c573");
        assertThat(identity.evidenceExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
    }

    @Test
    void verifyWhenDigestQuirkThenBouncyCastleAloneRefusesButVerifierAccepts() throws Exception {
        byte[] quirky = PKI.signLikeAzure(content(challenges.issue().value()));
        SignerInformation signer = new CMSSignedData(quirky).getSignerInfos().getSigners()
                .iterator().next();

        assertThat(signer.getDigestAlgOID()).isEqualTo("1.2.840.113549.1.1.11");
        assertThat(signer.getSignedAttributes()).isNull();
        assertThatThrownBy(() -> signer.verify(
                new JcaSimpleSignerInfoVerifierBuilder().build(PKI.signer())))
                .hasMessageContaining("1.2.840.113549.1.1.11");
        assertThat(verify(quirky).source()).isEqualTo(IdentitySource.AZURE_IMDS);
    }

    @Test
    void verifyWhenStandardDigestIdentifierThenAccepted() {
        assertThat(verify(PKI.signDirect(content(challenges.issue().value()))).issuerId())
                .isEqualTo("azure");
    }

    @Test
    void verifyWhenSignedAttributesThenAccepted() {
        assertThat(verify(PKI.signWithAttributes(content(challenges.issue().value())))
                .issuerId()).isEqualTo("azure");
    }

    @Test
    void verifyWhenDigestIsSha1ThenDeniesUnsupportedAlgorithm() {
        byte[] sha1 = TestAzureAttested.withDigestAlgorithm(
                PKI.signDirect(content(challenges.issue().value())),
                new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE));

        assertDenied(() -> verify(sha1), DenialReason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenSameDocumentPresentedTwiceThenDeniesReplayed() {
        byte[] document = PKI.signLikeAzure(content(challenges.issue().value()));
        verify(document);

        assertDenied(() -> verify(document), DenialReason.REPLAYED);
    }

    @Test
    void verifyWhenSignedNonceIsNotAnIssuedChallengeThenDeniesExpired() {
        // BUG-21 D: the signed nonce differs from any challenge Vend handed out.
        challenges.issue();
        byte[] document = PKI.signLikeAzure(content("z".repeat(32)));

        assertDenied(() -> verify(document), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenNonceIsNotChallengeShapedThenDeniesMalformed() {
        assertDenied(() -> verify(PKI.signLikeAzure(content("20220419-072721"))),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenExpiresOnPassedThenDeniesExpired() {
        String nonce = challenges.issue().value();
        String stale = TestAzureAttested.content(nonce, NOW.minus(Duration.ofHours(7)),
                NOW.minus(Duration.ofHours(1)));

        assertDenied(() -> verify(PKI.signLikeAzure(stale)), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenContentEditedAfterSigningThenDeniesBadSignature() {
        String nonce = challenges.issue().value();
        byte[] signed = PKI.signLikeAzure(content(nonce));
        byte[] edited = TestAzureAttested.withContent(signed, content(nonce)
                .replace("bd8e7443", "00000000").getBytes(StandardCharsets.UTF_8));

        assertDenied(() -> verify(edited), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenSignerChainsToAnotherRootThenDeniesUntrustedIssuer() {
        var other = new TestAzureAttested(NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)), "metadata.azure.com");

        assertDenied(() -> verify(other.signLikeAzure(content(challenges.issue().value()))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenSignerNameIsNotAnImdsNameThenDeniesUntrustedIssuer() {
        var lookalike = new TestAzureAttested(NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)), "metadata.azure.com.evil.example");
        verifiers = verifiers(List.of(lookalike.root()), List.of(lookalike.ca()));

        assertDenied(() -> verify(lookalike.signLikeAzure(content(challenges.issue().value()))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenSignerCertificateExpiredThenDeniesUntrustedIssuer() {
        var expired = new TestAzureAttested(NOW.minus(Duration.ofDays(30)),
                NOW.minus(Duration.ofDays(1)), "metadata.azure.us");
        verifiers = verifiers(List.of(expired.root()), List.of(expired.ca()));

        assertDenied(() -> verify(expired.signLikeAzure(content(challenges.issue().value()))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenIntermediateNotConfiguredThenDeniesUntrustedIssuer() {
        verifiers = verifiers(List.of(PKI.root()), List.of());

        assertDenied(() -> verify(PKI.signLikeAzure(content(challenges.issue().value()))),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenEnvelopeIsNotImdsShapedThenDeniesMalformed() {
        for (String bad : List.of("", "[]", "{\"encoding\":\"pkcs7\"}",
                "{\"encoding\":\"der\",\"signature\":\"AAAA\"}",
                "{\"encoding\":\"pkcs7\",\"signature\":\"%%%\"}",
                "{\"encoding\":\"pkcs7\",\"signature\":\"AAAA\"}",
                "{\"encoding\":\"pkcs7\",\"encoding\":\"pkcs7\",\"signature\":\"AAAA\"}")) {
            assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.AZURE_ATTESTED, bad)),
                    DenialReason.MALFORMED_TOKEN);
        }
    }

    /**
     * Regression: a PKCS7 whose inner structures were broken (found by the token endpoint's
     * fuzz test) escaped BouncyCastle as IllegalArgumentException and was answered 500.
     */
    @Test
    void verifyWhenPkcs7BytesChangedOrCutThenEveryCopyRefusedNoneFails() {
        byte[] azure = PKI.signLikeAzure(content(challenges.issue().value()));
        byte[] withAttributes = PKI.signWithAttributes(content(challenges.issue().value()));

        for (byte[] original : List.of(azure, withAttributes)) {
            int i = 0;
            for (byte[] copy : VerifyAssertions.mutations(original, 7, 500)) {
                assertAcceptedOrDenied(() -> verify(copy), "mutation " + i++);
            }
        }
    }

    @Test
    void verifyWhenNoAzureEntryRegisteredThenDeniesUntrustedIssuer() {
        IssuerRegistry none = TestRegistries.fromYaml("issuers: []\n", dir);
        var unregistered = new VerifierRegistry(none, List.of(new AzureVerifier(
                new AzureVerifierConfig(List.of(PKI.root()), List.of(PKI.ca()), challenges,
                        clock))));
        String document = TestAzureAttested.envelope(
                PKI.signLikeAzure(content(challenges.issue().value())));

        assertDenied(() -> unregistered.verify(
                new Attestation(TokenTypes.AZURE_ATTESTED, document)),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void bundledRootsWhenLoadedThenThreePublicRoots() {
        assertThat(AzureVerifierConfig.bundledRoots()).hasSize(3)
                .allSatisfy(root -> assertThat(root.getSubjectX500Principal())
                        .isEqualTo(root.getIssuerX500Principal()));
    }

    private VerifiedIdentity verify(byte[] pkcs7) {
        return verifiers.verify(
                new Attestation(TokenTypes.AZURE_ATTESTED, TestAzureAttested.envelope(pkcs7)));
    }

    private String content(String nonce) {
        return TestAzureAttested.content(nonce, NOW, NOW.plus(Duration.ofHours(6)));
    }

    private VerifierRegistry verifiers(List<java.security.cert.X509Certificate> roots,
            List<java.security.cert.X509Certificate> intermediates) {
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: azure
                    issuer: https://metadata.azure.com
                    preset: azure
                    pinnedClaims: [subscription_id]
                """, dir);
        return new VerifierRegistry(registry, List.of(new AzureVerifier(
                new AzureVerifierConfig(roots, intermediates, challenges, clock))));
    }
}
