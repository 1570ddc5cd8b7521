// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Map;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;


/**
 * The PKCS7 (CMS, RFC 5652) signature of an attested document: one attached signed-data with
 * {@code id-data} content, exactly one signer, its certificate inside the PKCS7, and an RSA
 * signature over the content.
 *
 * <p><strong>Azure's digest-algorithm quirk.</strong> Azure's signer info has no signed
 * attributes and names {@code sha256WithRSAEncryption} (1.2.840.113549.1.1.11) as its
 * {@code digestAlgorithm}, where RFC 5652 §5.3 wants a digest ({@code sha256}). OpenSSL accepts
 * that; BouncyCastle's {@code SignerInformation.verify} refuses it ("no such algorithm"). So a
 * signer info without signed attributes is verified here directly, as RFC 5652 §5.4 defines it
 * for that case: the signature is over the content itself, checked with the JCA algorithm that
 * the pair of digest and signature identifiers names. Only the pairs in {@link #DIRECT} are
 * accepted, with either spelling of the digest; anything else is refused. A signer info with
 * signed attributes goes through BouncyCastle's own verification.
 */
final class AttestedSignature {

    private static final String RSA = "1.2.840.113549.1.1.1";
    private static final String SHA256_RSA = "1.2.840.113549.1.1.11";
    private static final String SHA384_RSA = "1.2.840.113549.1.1.12";
    private static final String SHA512_RSA = "1.2.840.113549.1.1.13";
    private static final String SHA256 = "2.16.840.1.101.3.4.2.1";
    private static final String SHA384 = "2.16.840.1.101.3.4.2.2";
    private static final String SHA512 = "2.16.840.1.101.3.4.2.3";

    /** Digest identifier (the standard one or Azure's signature spelling) to JCA algorithm. */
    static final Map<String, String> DIRECT = Map.of(
            SHA256, "SHA256withRSA", SHA256_RSA, "SHA256withRSA",
            SHA384, "SHA384withRSA", SHA384_RSA, "SHA384withRSA",
            SHA512, "SHA512withRSA", SHA512_RSA, "SHA512withRSA");

    private AttestedSignature() {
    }

    /**
     * A PKCS7 whose signature verified under the certificate it carries; the certificate is not
     * trusted yet.
     *
     * @param content the signed content (the eContent bytes)
     * @param signer the certificate that verified the signature
     */
    record Verified(byte[] content, X509Certificate signer) {
    }

    static Verified verify(byte[] der) {
        CMSSignedData signed = parse(der);
        try {
            return verifyParsed(signed);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // BouncyCastle reads the inner structures (certificates, signer infos, attributes,
            // algorithm identifiers) on first access, so a PKCS7 broken below its outer layer
            // fails here, with one of these two, rather than in the parse above.
            throw malformed("PKCS7 structure does not parse");
        }
    }

    private static Verified verifyParsed(CMSSignedData signed) {
        byte[] content = content(signed);
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw malformed("PKCS7 has " + signers.size() + " signers, not 1");
        }
        SignerInformation signer = signers.iterator().next();
        X509Certificate certificate = certificateOf(signed, signer);
        boolean valid = signer.getSignedAttributes() == null
                ? verifyDirect(signer, certificate, content)
                : verifyWithAttributes(signer, certificate);
        if (!valid) {
            throw new DenialException(DenialReason.BAD_SIGNATURE,
                    "PKCS7 signature does not verify");
        }
        return new Verified(content, certificate);
    }

    private static CMSSignedData parse(byte[] der) {
        try {
            return new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            throw malformed("not a PKCS7 signed-data");
        }
    }

    private static byte[] content(CMSSignedData signed) {
        if (!CMSObjectIdentifiers.data.getId().equals(signed.getSignedContentTypeOID())
                || signed.getSignedContent() == null) {
            throw malformed("PKCS7 has no attached id-data content");
        }
        Object content = signed.getSignedContent().getContent();
        if (!(content instanceof byte[] bytes)) {
            throw malformed("PKCS7 content is not bytes");
        }
        return bytes;
    }

    private static X509Certificate certificateOf(CMSSignedData signed, SignerInformation signer) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates()
                .getMatches(signer.getSID());
        if (matches.size() != 1) {
            throw new DenialException(DenialReason.UNKNOWN_KEY, "signer certificate not in PKCS7");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
        } catch (CertificateException e) {
            throw malformed("signer certificate does not parse");
        }
    }

    private static boolean verifyDirect(SignerInformation signer, X509Certificate certificate,
            byte[] content) {
        String algorithm = jcaAlgorithm(signer.getDigestAlgOID(), signer.getEncryptionAlgOID());
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initVerify(certificate.getPublicKey());
            signature.update(content);
            return signature.verify(signer.getSignature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The JCA name for a digest identifier (either spelling) and an RSA signature identifier;
     * a signature identifier that names a digest must name the same one.
     */
    static String jcaAlgorithm(String digestOid, String encryptionOid) {
        String algorithm = DIRECT.get(digestOid);
        boolean rsa = RSA.equals(encryptionOid)
                || algorithm != null && algorithm.equals(DIRECT.get(encryptionOid))
                        && encryptionOid.startsWith("1.2.840.113549.1.1.");
        if (algorithm == null || !rsa) {
            throw new DenialException(DenialReason.UNSUPPORTED_ALGORITHM,
                    "PKCS7 algorithms " + digestOid + "/" + encryptionOid + " not accepted");
        }
        return algorithm;
    }

    private static boolean verifyWithAttributes(SignerInformation signer,
            X509Certificate certificate) {
        try {
            return signer.verify(
                    new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder()
                            .build(certificate));
        } catch (CMSException | org.bouncycastle.operator.OperatorCreationException e) {
            return false;
        }
    }

    private static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }

}
