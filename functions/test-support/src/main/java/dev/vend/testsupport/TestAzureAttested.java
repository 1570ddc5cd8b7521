// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.BEROctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Synthetic Azure attested documents, signed at test time: a root, an issuing CA and an IMDS
 * signer certificate made here (RSA-2048 keys generated per instance), and PKCS7 in the three
 * shapes a verifier meets (Azure's quirky digest identifier, the standard one, and with signed
 * attributes). Immutable and thread-safe.
 */
public final class TestAzureAttested {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private final KeyPair rootKeys = rsa();
    private final KeyPair caKeys = rsa();
    private final KeyPair signerKeys = rsa();
    private final X509Certificate root;
    private final X509Certificate ca;
    private final X509Certificate signer;

    /**
     * A PKI valid from {@code notBefore} to {@code notAfter}, signer named by {@code names}.
     *
     * @param names the signer's DNS subject alternative names; the first is also its CN
     */
    public TestAzureAttested(Instant notBefore, Instant notAfter, String... names) {
        root = certificate("CN=Test IMDS Root", rootKeys, "CN=Test IMDS Root", rootKeys,
                notBefore, notAfter, true, new String[0]);
        ca = certificate("CN=Test IMDS CA", caKeys, "CN=Test IMDS Root", rootKeys,
                notBefore, notAfter, true, new String[0]);
        signer = certificate("CN=" + names[0], signerKeys, "CN=Test IMDS CA", caKeys,
                notBefore, notAfter, false, names);
    }

    /** The self-signed root. */
    public X509Certificate root() {
        return root;
    }

    /** The issuing CA, signed by the root. */
    public X509Certificate ca() {
        return ca;
    }

    /** The IMDS signer certificate, issued by the CA. */
    public X509Certificate signer() {
        return signer;
    }

    /** The content IMDS signs, with this nonce and expiry. */
    public static String content(String nonce, Instant createdOn, Instant expiresOn) {
        var format = java.time.format.DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss '-0000'")
                .withZone(java.time.ZoneOffset.UTC);
        return "{\"licenseType\":\"\",\"nonce\":\"" + nonce + "\",\"plan\":{\"name\":\"\","
                + "\"product\":\"\",\"publisher\":\"\"},\"sku\":\"22_04-lts-gen2\","
                + "\"subscriptionId\":\"5f130ffc-0a3e-4795-b691-4f56a12a5547\","
                + "\"timeStamp\":{\"createdOn\":\"" + format.format(createdOn) + "\","
                + "\"expiresOn\":\"" + format.format(expiresOn) + "\"},"
                + "\"vmId\":\"bd8e7443-24a0-41f3-b949-8baf4fd1c573\"}";
    }

    /** Signed like Azure: no signed attributes, digest named sha256WithRSAEncryption. */
    public byte[] signLikeAzure(String content) {
        return withDigestAlgorithm(signDirect(content),
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption,
                        DERNull.INSTANCE));
    }

    /** Signed as RFC 5652 describes: no signed attributes, digest sha256. */
    public byte[] signDirect(String content) {
        return sign(content, true);
    }

    /** Signed with signed attributes (content type, message digest, signing time). */
    public byte[] signWithAttributes(String content) {
        return sign(content, false);
    }

    /** The IMDS response form of a PKCS7: {@code {"encoding":"pkcs7","signature":…}}. */
    public static String envelope(byte[] pkcs7) {
        return "{\"encoding\":\"pkcs7\",\"signature\":\""
                + Base64.getEncoder().encodeToString(pkcs7) + "\"}";
    }

    /** The same PKCS7 with its digest identifiers replaced. */
    public static byte[] withDigestAlgorithm(byte[] pkcs7, AlgorithmIdentifier digest) {
        SignedData data = signedData(pkcs7);
        SignerInfo info = SignerInfo.getInstance(data.getSignerInfos().getObjectAt(0));
        var replaced = new SignerInfo(info.getSID(), digest, info.getAuthenticatedAttributes(),
                info.getDigestEncryptionAlgorithm(), info.getEncryptedDigest(),
                info.getUnauthenticatedAttributes());
        return encode(new SignedData(new DERSet(digest), data.getEncapContentInfo(),
                data.getCertificates(), data.getCRLs(), new DERSet(replaced)));
    }

    /** The same PKCS7 and signature over other content bytes. */
    public static byte[] withContent(byte[] pkcs7, byte[] content) {
        SignedData data = signedData(pkcs7);
        ASN1OctetString octets = new BEROctetString(content);
        var info = new org.bouncycastle.asn1.cms.ContentInfo(CMSObjectIdentifiers.data, octets);
        return encode(new SignedData(data.getDigestAlgorithms(), info, data.getCertificates(),
                data.getCRLs(), data.getSignerInfos()));
    }

    private static SignedData signedData(byte[] pkcs7) {
        return SignedData.getInstance(ContentInfo.getInstance(pkcs7).getContent());
    }

    private static byte[] encode(SignedData data) {
        try {
            return new ContentInfo(CMSObjectIdentifiers.signedData, data).getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] sign(String content, boolean direct) {
        try {
            var contentSigner = new JcaContentSignerBuilder("SHA256withRSA")
                    .build(signerKeys.getPrivate());
            var generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build())
                    .setDirectSignature(direct).build(contentSigner, signer));
            generator.addCertificates(new JcaCertStore(List.of(signer)));
            return generator.generate(new CMSProcessableByteArray(
                    content.getBytes(StandardCharsets.UTF_8)), true).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test document", e);
        }
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer,
            KeyPair issuerKeys, Instant notBefore, Instant notAfter, boolean ca, String[] names) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore),
                    Date.from(notAfter), new X500Name(subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (names.length > 0) {
                ASN1Encodable[] general = new ASN1Encodable[names.length];
                for (int i = 0; i < names.length; i++) {
                    general[i] = new GeneralName(GeneralName.dNSName, names[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        GeneralNames.getInstance(new org.bouncycastle.asn1.DERSequence(general)));
            }
            var signerOfCert = new JcaContentSignerBuilder("SHA256withRSA")
                    .build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signerOfCert));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificate", e);
        }
    }

    private static KeyPair rsa() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
