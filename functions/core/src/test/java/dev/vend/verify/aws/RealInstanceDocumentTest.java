// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.model.AttributeValue;
import dev.vend.testsupport.RealDocs;
import dev.vend.verify.DenialReason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every genuine instance identity document of realdocs/aws-iid, read at test time, against the
 * certificates Vend ships, reaching the verdict of its PROVENANCE.md; a table of file and verdict
 * is printed. Signatures carry no time, so no clock is involved: freshness comes from the IAM
 * half of the bundle, and {@link Ec2BundleVerifierTest} shows a document alone never passes.
 */
class RealInstanceDocumentTest {

    static final Set<AwsVerifierConfig.LegacyForm> ALL =
            EnumSet.allOf(AwsVerifierConfig.LegacyForm.class);
    static final Map<String, String> VERDICTS = new LinkedHashMap<>();
    static final AwsVerifierConfig.RegionCertificates NONE =
            AwsVerifierConfig.RegionCertificates.none();

    @AfterAll
    static void printVerdicts() {
        System.out.println("realdocs/aws-iid verdicts (file -> verdict):");
        VERDICTS.forEach((file, verdict) -> System.out.printf("  %-70s -> %s%n", file, verdict));
    }

    @ParameterizedTest(name = "{0}/{1} ({2})")
    @CsvSource({
        "iid-01-us-east-1-2016-dsa, pkcs7.b64, pkcs7, 121659014334",
        "iid-02-ap-southeast-2-2018-dsa, pkcs7.b64, pkcs7, 351016140122",
        "iid-03-ap-southeast-2-2020-dsa, pkcs7.b64, pkcs7, 599768876055",
        "iid-04-us-west-2-2021-rsa2048, pkcs7.b64, rsa2048, 278576220453",
        "iid-05-us-west-1-2021-rsa2048, pkcs7.b64, rsa2048, 883474662888",
        "iid-06-us-east-2-2018-all3, pkcs7.b64, pkcs7, 437526006925",
        "iid-06-us-east-2-2018-all3, rsa2048.b64, rsa2048, 437526006925",
        "iid-06-us-east-2-2018-all3, signature.b64, signature, 437526006925"
    })
    void verifyWhenGenuineDocumentThenValidAttachedAndDetached(String folder, String file,
            String form, String account) {
        String signature = RealDocs.read("aws-iid/" + folder + "/" + file);
        byte[] document = RealDocs.readBytes("aws-iid/" + folder + "/document.json");

        byte[] detached = DocumentSignature.verify(form, signature, document, ALL, NONE);
        assertThat(detached).isEqualTo(document);
        if (!"signature".equals(form)) {
            assertThat(DocumentSignature.verify(form, signature, null, ALL, NONE))
                    .isEqualTo(document);
        }
        InstanceDocument identity = InstanceDocument.fromSigned(detached);
        assertThat(identity.account()).isEqualTo(account);
        assertThat(identity.attributes()).containsKeys("account", "region", "instance_id",
                "image_id", "instance_type", "pending_time", "availability_zone");
        VERDICTS.put("aws-iid/" + folder + "/" + file + " (" + form + ")",
                "VALID (attached and detached; account " + account + ")");
    }

    @Test
    void verifyWhenDsaAndRsa1024NotOptedInThenDeniesUnsupportedAlgorithm() {
        String dsa = RealDocs.read("aws-iid/iid-01-us-east-1-2016-dsa/pkcs7.b64");
        String raw = RealDocs.read("aws-iid/iid-06-us-east-2-2018-all3/signature.b64");
        byte[] doc06 = RealDocs.readBytes("aws-iid/iid-06-us-east-2-2018-all3/document.json");

        assertDenied(() -> DocumentSignature.verify("pkcs7", dsa, null, Set.of(), NONE),
                DenialReason.UNSUPPORTED_ALGORITHM);
        assertDenied(() -> DocumentSignature.verify("signature", raw, doc06, Set.of(), NONE),
                DenialReason.UNSUPPORTED_ALGORITHM);
        VERDICTS.put("aws-iid/iid-01 pkcs7 / iid-06 signature, legacy forms off",
                "refused: unsupported_algorithm (DSA and RSA-1024 need opt-in)");
    }

    @Test
    void verifyWhenTamperedDocumentSentWithGenuinePkcs7ThenDeniesBadSignature() {
        String pkcs7 = RealDocs.read("aws-iid/iid-02-ap-southeast-2-2018-dsa/pkcs7.b64");
        byte[] tampered = RealDocs.readBytes("aws-iid/neg-01-tampered-document/document.json");

        assertDenied(() -> DocumentSignature.verify("pkcs7", pkcs7, tampered, ALL, NONE),
                DenialReason.BAD_SIGNATURE);
        VERDICTS.put("aws-iid/neg-01-tampered-document/document.json + iid-02 pkcs7",
                "INVALID: bad_signature");
    }

    @Test
    void verifyWhenTamperedDocumentSignedContentReplacedThenDeniesBadSignature() throws Exception {
        // The same tampering inside the PKCS7: the digest no longer matches.
        byte[] tampered = RealDocs.readBytes("aws-iid/neg-01-tampered-document/document.json");
        var signed = new CMSSignedData(DocumentSignature.base64(
                RealDocs.read("aws-iid/iid-02-ap-southeast-2-2018-dsa/pkcs7.b64")));
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        var replaced = new CMSSignedData(
                new org.bouncycastle.cms.CMSProcessableByteArray(tampered), signed.getEncoded());

        SignerInformation again = replaced.getSignerInfos().get(signer.getSID());
        assertThat(DocumentSignature.verifies(again,
                RegionKeys.forRegion(RegionKeys.Kind.DSA, "ap-southeast-2", NONE))).isFalse();
    }

    @Test
    void verifyWhenRegionARsa2048DocumentCheckedWithRegionBCertificateThenRefused()
            throws Exception {
        SignerInformation signer = signerOf("aws-iid/iid-04-us-west-2-2021-rsa2048/pkcs7.b64");

        assertThat(DocumentSignature.verifies(signer,
                RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "us-west-2", NONE))).isTrue();
        assertThat(DocumentSignature.verifies(signer,
                RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "us-west-1", NONE))).isFalse();
        VERDICTS.put("aws-iid/iid-04 (us-west-2) vs rsa2048/us-west-1 certificate",
                "INVALID (region separation)");
    }

    @Test
    void verifyWhenDsaDocumentCheckedWithRsaOrOldAmiCertificateThenRefused() throws Exception {
        SignerInformation signer = signerOf("aws-iid/iid-02-ap-southeast-2-2018-dsa/pkcs7.b64");

        assertThat(DocumentSignature.verifies(signer,
                RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "ap-southeast-2", NONE))).isFalse();
        assertThat(DocumentSignature.verifies(signer, key(
                "aws-iid/certs/negative-old-EC2-AMI-Authority-rsa1024-expired-2021.pem")))
                .isFalse();
        VERDICTS.put("aws-iid/iid-02 vs RSA-2048 cert / old EC2-AMI cert", "INVALID");
    }

    @Test
    void verifyWhenCorruptedPkcs7ThenDeniesMalformed() {
        String corrupted = RealDocs.read("aws-iid/neg-02-corrupted-pkcs7/pkcs7.b64");

        assertDenied(() -> DocumentSignature.verify("pkcs7", corrupted, null, ALL, NONE),
                DenialReason.MALFORMED_TOKEN);
        VERDICTS.put("aws-iid/neg-02-corrupted-pkcs7/pkcs7.b64", "INVALID: malformed_token");
    }

    @Test
    void verifyWhenSignatureFormOverModifiedDocumentThenDeniesBadSignature() {
        String raw = RealDocs.read("aws-iid/iid-06-us-east-2-2018-all3/signature.b64");
        String document = RealDocs.read("aws-iid/iid-06-us-east-2-2018-all3/document.json");
        byte[] modified = document.replace("437526006925", "437526006926")
                .getBytes(StandardCharsets.UTF_8);

        assertDenied(() -> DocumentSignature.verify("signature", raw, modified, ALL, NONE),
                DenialReason.BAD_SIGNATURE);
        VERDICTS.put("aws-iid/iid-06 signature.b64 over a modified document",
                "INVALID: bad_signature");
    }

    @Test
    void verifyWhenShippedDefaultDsaKeyThenSameAsPublishedGovCloudCertificate() throws Exception {
        assertThat(RegionKeys.forRegion(RegionKeys.Kind.DSA, "us-gov-west-1", NONE)).isEqualTo(
                key("aws-iid/certs/dsa-pkcs7/us-gov-west-1_us-gov-east-1.pem"));
        assertThat(RegionKeys.forRegion(RegionKeys.Kind.DSA, "eu-west-1", NONE))
                .isEqualTo(RegionKeys.forRegion(RegionKeys.Kind.DSA, "us-east-1", NONE));
    }

    @Test
    void forRegionWhenRegionUnknownOrIllFormedThenRefused() {
        assertDenied(() -> RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "xx-nowhere-9", NONE),
                DenialReason.UNKNOWN_KEY);
        assertDenied(() -> RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "../dsa/default", NONE),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void fromSignedWhenGenuineDocumentThenAttributesAreStrings() {
        InstanceDocument identity = InstanceDocument.fromSigned(
                RealDocs.readBytes("aws-iid/iid-04-us-west-2-2021-rsa2048/document.json"));

        assertThat(identity.instanceId()).isEqualTo("i-078517ca8a70a1dde");
        assertThat(identity.attributes()).containsEntry("pending_time",
                new AttributeValue.Str("2021-09-03T21:25:44Z"));
    }

    private static SignerInformation signerOf(String path) throws Exception {
        return new CMSSignedData(DocumentSignature.base64(RealDocs.read(path)))
                .getSignerInfos().getSigners().iterator().next();
    }

    private static PublicKey key(String path) throws Exception {
        return CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(RealDocs.readBytes(path))).getPublicKey();
    }
}
