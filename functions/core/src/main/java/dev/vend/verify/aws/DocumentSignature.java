// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.jspecify.annotations.Nullable;

/**
 * The three signature forms AWS serves for the instance identity document
 * (<a href="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-iid.html">Verify the
 * instance identity document</a>): {@code rsa2048} (RSA-2048 PKCS7, preferred), {@code pkcs7}
 * (DSA PKCS7) and {@code signature} (RSA-1024 SHA-256 over the document). The region is read from
 * the unverified document only to choose the certificate; the identity comes only from the bytes
 * the signature covers, and a separately sent document must equal them byte for byte.
 */
final class DocumentSignature {

    /** The wire names of the forms. */
    static final Set<String> FORMS = Set.of("rsa2048", "pkcs7", "signature");

    private DocumentSignature() {
    }

    /**
     * Verifies one form and returns the signed document bytes.
     *
     * @param form {@code rsa2048}, {@code pkcs7} or {@code signature}
     * @param signature the base64 value AWS served for that form (PEM armour allowed)
     * @param document the separately sent document, required for {@code signature}
     * @param legacy the older forms the deployment accepts
     * @param certificates the deployment's own region certificates, before the shipped ones
     */
    static byte[] verify(String form, String signature, byte @Nullable [] document,
            Set<AwsVerifierConfig.LegacyForm> legacy,
            AwsVerifierConfig.RegionCertificates certificates) {
        byte[] decoded = base64(signature);
        return switch (form) {
            case "rsa2048" -> verifyPkcs7(decoded, document,
                    region -> RegionKeys.forRegion(RegionKeys.Kind.RSA2048, region, certificates));
            case "pkcs7" -> {
                requireOptIn(legacy, AwsVerifierConfig.LegacyForm.DSA_PKCS7);
                yield verifyPkcs7(decoded, document,
                        region -> RegionKeys.forRegion(RegionKeys.Kind.DSA, region, certificates));
            }
            case "signature" -> {
                requireOptIn(legacy, AwsVerifierConfig.LegacyForm.RSA_SIGNATURE);
                yield verifyRaw(decoded, document, certificates);
            }
            default -> throw new DenialException(DenialReason.UNSUPPORTED_TOKEN_FORM,
                    "unknown instance document form");
        };
    }

    private static void requireOptIn(Set<AwsVerifierConfig.LegacyForm> legacy,
            AwsVerifierConfig.LegacyForm form) {
        if (!legacy.contains(form)) {
            throw new DenialException(DenialReason.UNSUPPORTED_ALGORITHM,
                    "instance document form " + form + " not enabled");
        }
    }

    private static byte[] verifyPkcs7(byte[] der, byte @Nullable [] document,
            Function<String, PublicKey> keyOfRegion) {
        CMSSignedData signed = parse(der);
        try {
            return verifyParsed(signed, document, keyOfRegion);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // BouncyCastle reads the inner structures (content, signer infos) on first access,
            // so a PKCS7 broken below its outer layer fails here rather than in the parse above.
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "PKCS7 does not parse");
        }
    }

    private static byte[] verifyParsed(CMSSignedData signed, byte @Nullable [] document,
            Function<String, PublicKey> keyOfRegion) {
        byte[] content = content(signed);
        if (document != null && !Arrays.equals(document, content)) {
            throw new DenialException(DenialReason.BAD_SIGNATURE,
                    "sent document differs from the signed content");
        }
        PublicKey key = keyOfRegion.apply(InstanceDocument.regionBeforeVerification(content));
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "PKCS7 signer count not 1");
        }
        if (!verifies(signers.iterator().next(), key)) {
            throw new DenialException(DenialReason.BAD_SIGNATURE,
                    "PKCS7 signature does not verify");
        }
        return content;
    }

    static boolean verifies(SignerInformation signer, PublicKey key) {
        try {
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(key));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] verifyRaw(byte[] signature, byte @Nullable [] document,
            AwsVerifierConfig.RegionCertificates certificates) {
        if (document == null) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN,
                    "the signature form needs the document");
        }
        PublicKey key = RegionKeys.forRegion(RegionKeys.Kind.RSA_SIGNATURE,
                InstanceDocument.regionBeforeVerification(document), certificates);
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(document);
            if (!verifier.verify(signature)) {
                throw new DenialException(DenialReason.BAD_SIGNATURE, "signature does not verify");
            }
            return document;
        } catch (GeneralSecurityException e) {
            throw new DenialException(DenialReason.BAD_SIGNATURE, "signature does not verify");
        }
    }

    private static CMSSignedData parse(byte[] der) {
        try {
            return new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "not a PKCS7 signed-data");
        }
    }

    private static byte[] content(CMSSignedData signed) {
        if (!CMSObjectIdentifiers.data.getId().equals(signed.getSignedContentTypeOID())
                || signed.getSignedContent() == null
                || !(signed.getSignedContent().getContent() instanceof byte[] bytes)) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "PKCS7 has no attached data");
        }
        return bytes;
    }

    /** Base64 as AWS serves it: with line breaks, optionally inside PEM armour. */
    static byte[] base64(String text) {
        String body = text.replaceAll("-----(BEGIN|END) [A-Z0-9 ]+-----", "");
        try {
            return Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "signature is not base64");
        }
    }
}
