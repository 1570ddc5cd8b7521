// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.TokenTypes;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The genuine attested documents of realdocs/azure-attested, read at test time, with the chain
 * their PROVENANCE.md names (Microsoft RSA TLS CA 01 to Baltimore CyberTrust Root, passed here as
 * configuration; neither is shipped). Verdicts: signature valid, chain valid at the document's
 * own time and invalid now; the nonces are dates, not Vend challenges, so Vend refuses both even
 * at their time, after signature and chain verified.
 */
class RealAzureAttestedTest {

    static final String ATT01 = "azure-attested/att-01-westeurope-2021-01-04.json";
    static final String ATT01_CONTENT = "azure-attested/att-01-westeurope-2021-01-04.content.json";
    static final String ATT02 = "azure-attested/att-02-southcentralus-2022-04-19.signature.b64";
    static final String ATT02_CONTENT =
            "azure-attested/att-02-southcentralus-2022-04-19.content.json";
    static final Instant ATT01_TIME = Instant.parse("2021-01-04T14:00:00Z");
    static final Instant ATT02_TIME = Instant.parse("2022-04-19T02:00:00Z");
    static final Map<String, String> VERDICTS = new TreeMap<>();

    @TempDir
    Path dir;

    @AfterAll
    static void printVerdicts() {
        System.out.println("realdocs/azure-attested verdicts (file -> verdict):");
        VERDICTS.forEach((file, verdict) -> System.out.println("  " + file + " -> " + verdict));
    }

    @Test
    void signatureWhenGenuineDocumentsThenValidOverTheirPublishedContent() {
        for (var doc : List.of(List.of(att01(), ATT01_CONTENT), List.of(att02(), ATT02_CONTENT))) {
            byte[] pkcs7 = AttestedEnvelope.pkcs7(doc.get(0));
            AttestedSignature.Verified verified = AttestedSignature.verify(pkcs7);

            assertThat(new String(verified.content(), StandardCharsets.UTF_8))
                    .isEqualTo(RealDocs.read(doc.get(1)).strip());
            assertThat(verified.signer().getSubjectX500Principal().getName())
                    .isEqualTo("CN=metadata.azure.com");
        }
    }

    @Test
    void signatureWhenGenuineDocumentThenCarriesAzuresDigestQuirk() throws Exception {
        var signer = new CMSSignedData(AttestedEnvelope.pkcs7(att01())).getSignerInfos()
                .getSigners().iterator().next();

        assertThat(signer.getDigestAlgOID()).isEqualTo("1.2.840.113549.1.1.11");
        assertThat(signer.getSignedAttributes()).isNull();
    }

    @Test
    void verifyWhenAtt01AtItsTimeThenChainValidButNonceIsNoChallenge() {
        DenialException denial = assertDenied(() -> verify(att01(), ATT01_TIME),
                DenialReason.MALFORMED_TOKEN);

        assertThat(denial.detail()).isEqualTo("nonce is not a Vend challenge");
        VERDICTS.put(ATT01 + " @2021-01-04", "signature VALID, chain VALID; refused: "
                + "malformed_token (nonce 20210104-195534 is not a Vend challenge)");
    }

    @Test
    void verifyWhenAtt02AtItsTimeThenChainValidButNonceIsNoChallenge() {
        DenialException denial = assertDenied(() -> verify(att02(), ATT02_TIME),
                DenialReason.MALFORMED_TOKEN);

        assertThat(denial.detail()).isEqualTo("nonce is not a Vend challenge");
        VERDICTS.put(ATT02 + " @2022-04-19", "signature VALID, chain VALID; refused: "
                + "malformed_token (nonce 20220419-072721 is not a Vend challenge)");
    }

    @Test
    void verifyWhenGenuineDocumentsTodayThenDeniesUntrustedIssuer() {
        assertDenied(() -> verify(att01(), Instant.now()), DenialReason.UNTRUSTED_ISSUER);
        assertDenied(() -> verify(att02(), Instant.now()), DenialReason.UNTRUSTED_ISSUER);
        VERDICTS.put(ATT01 + " @now", "refused: untrusted_issuer (chain invalid: leaf expired)");
        VERDICTS.put(ATT02 + " @now", "refused: untrusted_issuer (chain invalid)");
    }

    @Test
    void verifyWhenAtt01AfterItsExpiresOnThenDeniesExpired() {
        assertDenied(() -> verify(att01(), Instant.parse("2021-01-04T20:30:00Z")),
                DenialReason.EXPIRED);
        VERDICTS.put(ATT01 + " @2021-01-04T20:30Z", "refused: expired (expiresOn 19:55:34)");
    }

    @Test
    void verifyWhenAtt02VmIdChangedThenDeniesBadSignature() {
        byte[] pkcs7 = AttestedEnvelope.pkcs7(att02());
        String content = RealDocs.read(ATT02_CONTENT).strip();
        String edited = content.replace("bd8e7443", "00000000");
        assertThat(edited).isNotEqualTo(content);
        byte[] forged =
                TestAzureAttested.withContent(pkcs7, edited.getBytes(StandardCharsets.UTF_8));

        assertDenied(() -> verify(TestAzureAttested.envelope(forged), ATT02_TIME),
                DenialReason.BAD_SIGNATURE);
        VERDICTS.put(ATT02 + " with vmId changed", "refused: bad_signature");
    }

    @Test
    void verifyWhenOnlyBundledRootsThenDeniesUntrustedIssuerAtItsTime() {
        // The 2021/2022 chain ends at Baltimore CyberTrust Root, expired and not shipped.
        assertDenied(() -> verify(att01(), ATT01_TIME, AzureVerifierConfig.bundledRoots()),
                DenialReason.UNTRUSTED_ISSUER);
    }

    private void verify(String document, Instant at) {
        verify(document, at, List.of(cert("azure-attested/chain/Baltimore_CyberTrust_Root.pem")));
    }

    private void verify(String document, Instant at, List<X509Certificate> roots) {
        var clock = new MutableClock(at);
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: azure
                    issuer: https://metadata.azure.com
                    preset: azure
                    pinnedClaims: [subscription_id]
                """, dir);
        var config = new AzureVerifierConfig(roots,
                List.of(cert("azure-attested/chain/Microsoft_RSA_TLS_CA_01.pem")),
                new Challenges(new InMemorySingleUseStore(), clock), clock);
        new VerifierRegistry(registry, List.of(new AzureVerifier(config)))
                .verify(new Attestation(TokenTypes.AZURE_ATTESTED, document));
    }

    private static String att01() {
        return RealDocs.read(ATT01).strip();
    }

    private static String att02() {
        return TestAzureAttested.envelope(
                Base64.getMimeDecoder().decode(RealDocs.read(ATT02).strip()));
    }

    private static X509Certificate cert(String path) {
        return AzureVerifierConfig.readPem(new ByteArrayInputStream(RealDocs.readBytes(path)))
                .get(0);
    }
}
