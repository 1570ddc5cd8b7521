// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * EC2 instance identity documents signed at test time in the {@code rsa2048} form AWS serves
 * (<a href="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-iid.html">Verify the
 * instance identity document</a>): an RSA-2048 PKCS7 signed-data with the document attached,
 * made with a key and self-signed certificate created here in place of AWS's per-region one.
 * A deployment trusts that certificate through {@code vend.aws-region-certificates-file}, which
 * {@link #writeRegionCertificatesFile(Path, String...)} writes. Keys live only in memory.
 * Immutable and thread-safe.
 */
public final class TestInstanceDocuments {

    private final KeyPair keys = rsa2048();
    private final X509Certificate certificate = selfSigned(keys);

    /** The certificate that verifies this instance's documents. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A document as the instance metadata service serves it (pretty-printed JSON), with fixed
     * image, type, private address and times.
     */
    public static String document(String account, String region, String instanceId) {
        return """
                {
                  "accountId" : "%s",
                  "architecture" : "x86_64",
                  "availabilityZone" : "%sa",
                  "billingProducts" : null,
                  "devpayProductCodes" : null,
                  "marketplaceProductCodes" : null,
                  "imageId" : "ami-0abcdef1234567890",
                  "instanceId" : "%s",
                  "instanceType" : "t3.micro",
                  "kernelId" : null,
                  "pendingTime" : "2026-11-30T08:15:00Z",
                  "privateIp" : "10.0.1.17",
                  "ramdiskId" : null,
                  "region" : "%s",
                  "version" : "2017-09-30"
                }""".formatted(account, region, instanceId, region);
    }

    /** The {@code /rsa2048} output for the document: base64 PKCS7, 64 characters a line. */
    public String signRsa2048(String document) {
        try {
            var generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()),
                            certificate));
            byte[] der = generator.generate(new CMSProcessableByteArray(
                    document.getBytes(StandardCharsets.UTF_8)), true).getEncoded();
            return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der);
        } catch (CMSException | OperatorCreationException | IOException
                | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the test instance document", e);
        }
    }

    /** The bundle's {@code instance_document} member: form {@code rsa2048} and its signature. */
    public ObjectNode rsa2048(String document) {
        ObjectNode node = TestIamProofs.JSON.createObjectNode();
        node.put("form", "rsa2048");
        node.put("signature", signRsa2048(document));
        return node;
    }

    /**
     * Writes this certificate ({@code ec2-rsa2048.pem}) and a region certificates file
     * ({@code region-certificates.yaml}) naming it for the {@code rsa2048} form in each region,
     * into the folder; returns the file.
     */
    public Path writeRegionCertificatesFile(Path folder, String... regions) {
        TestCa.writePem(folder.resolve("ec2-rsa2048.pem"), certificate);
        var yaml = new StringBuilder("rsa2048:\n");
        for (String region : List.of(regions)) {
            yaml.append("  ").append(region).append(": ec2-rsa2048.pem\n");
        }
        try {
            return Files.writeString(folder.resolve("region-certificates.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the region certificates file", e);
        }
    }

    private static X509Certificate selfSigned(KeyPair keys) {
        try {
            var name = new X500Name("CN=Vend test EC2 instance identity, O=Vend tests");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the test EC2 certificate", e);
        }
    }

    private static KeyPair rsa2048() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
