// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.jspecify.annotations.Nullable;

/**
 * The least checking one signature of a signed document must cost, with the JCA directly and the
 * same key as the verifier: for a PKCS7 (CMS, RFC 5652 §5.4) with signed attributes, one digest
 * of the content compared with the signed {@code messageDigest} and one signature verification
 * over the DER of the signed attributes; for a PKCS7 without them, or a raw signature, one
 * signature verification over the content. The PKCS7 is parsed once; one {@link MessageDigest}
 * and one {@link Signature} object are reused (the JDK's default providers, as the verifiers'
 * BouncyCastle and JCA calls also pick them).
 *
 * <p>BouncyCastle's {@code SignerInformation.verify} is not the floor: it refuses Azure's digest
 * identifier, and a {@code SignerInformation} keeps the content digest after its first
 * verification, so calling it again on one parsed PKCS7 would skip work every request does.
 *
 * <p>Not thread-safe: one instance per benchmark thread.
 */
public final class SignatureFloor {

    private final byte[] content;
    private final @Nullable MessageDigest digest;
    private final byte @Nullable [] signedDigest;
    private final byte[] signed;
    private final byte[] signatureValue;
    private final Signature signature;
    private final PublicKey key;

    private SignatureFloor(byte[] content, @Nullable MessageDigest digest,
            byte @Nullable [] signedDigest, byte[] signed, byte[] signatureValue,
            String algorithm, PublicKey key) throws GeneralSecurityException {
        this.content = content.clone();
        this.digest = digest;
        this.signedDigest = signedDigest;
        this.signed = signed.clone();
        this.signatureValue = signatureValue.clone();
        this.signature = Signature.getInstance(algorithm);
        this.key = key;
    }

    /**
     * The floor of an attached PKCS7 with exactly one signer.
     *
     * @param der the PKCS7 signed-data
     * @param key the signer's public key
     * @param algorithm the JCA signature algorithm, e.g. {@code SHA256withRSA}
     */
    public static SignatureFloor pkcs7(byte[] der, PublicKey key, String algorithm) {
        try {
            CMSSignedData data = new CMSSignedData(der);
            byte[] content = (byte[]) data.getSignedContent().getContent();
            Collection<SignerInformation> signers = data.getSignerInfos().getSigners();
            SignerInformation signer = signers.iterator().next();
            if (signer.getSignedAttributes() == null) {
                return new SignatureFloor(content, null, null, content, signer.getSignature(),
                        algorithm, key);
            }
            Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.messageDigest);
            byte[] expected = ASN1OctetString.getInstance(
                    attribute.getAttrValues().getObjectAt(0)).getOctets();
            // The JDK knows digests by their OIDs, so the signer's own identifier names it.
            return new SignatureFloor(content, MessageDigest.getInstance(signer.getDigestAlgOID()),
                    expected, signer.getEncodedSignedAttributes(), signer.getSignature(),
                    algorithm, key);
        } catch (CMSException | java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("PKCS7 floor setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * The floor of a raw signature over a document.
     *
     * @param document the signed bytes
     * @param signatureValue the signature
     * @param key the signer's public key
     * @param algorithm the JCA signature algorithm, e.g. {@code SHA256withRSA}
     */
    public static SignatureFloor raw(byte[] document, byte[] signatureValue, PublicKey key,
            String algorithm) {
        try {
            return new SignatureFloor(document, null, null, document, signatureValue, algorithm,
                    key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signature floor setup failed: " + e.getMessage(), e);
        }
    }

    /** Whether the content's digest and the signature both check out. */
    public boolean verify() throws GeneralSecurityException {
        boolean digestMatches = digest == null
                || MessageDigest.isEqual(digest.digest(content), signedDigest);
        signature.initVerify(key);
        signature.update(signed);
        return signature.verify(signatureValue) && digestMatches;
    }
}
