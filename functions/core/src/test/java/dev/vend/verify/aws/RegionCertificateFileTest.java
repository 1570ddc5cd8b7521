// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.verify.InvalidConfigurationException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The region certificates file ({@code vend.aws-region-certificates-file}), checked at start. */
class RegionCertificateFileTest {

    @TempDir
    Path dir;

    @Test
    void loadWhenFormsMapRegionsToPemFilesThenEveryCertificateIsRead() throws Exception {
        var instance = new TestInstanceDocuments();
        Path file = instance.writeRegionCertificatesFile(dir, "us-east-1", "xx-vend-1");

        var certificates = AwsVerifierConfig.RegionCertificates.load(file);

        assertThat(certificates.byForm()).containsOnlyKeys("rsa2048");
        assertThat(certificates.certificate("rsa2048", "xx-vend-1"))
                .contains(instance.certificate());
        assertThat(certificates.certificate("rsa2048", "us-east-1"))
                .contains(instance.certificate());
        assertThat(certificates.certificate("pkcs7", "us-east-1")).isEmpty();
    }

    @Test
    void loadWhenPathIsAbsoluteOrJsonThenRead() throws Exception {
        var instance = new TestInstanceDocuments();
        Path pem = TestCa.writePem(dir.resolve("certs/one.pem"), instance.certificate());
        Path file = Files.writeString(dir.resolve("regions.json"),
                "{\"signature\": {\"eu-west-1\": \"" + pem.toAbsolutePath() + "\"}}");

        assertThat(AwsVerifierConfig.RegionCertificates.load(file)
                .certificate("signature", "eu-west-1")).contains(instance.certificate());
    }

    @Test
    void loadWhenFileHasManyProblemsThenEachIsReportedAtOnce() throws Exception {
        var instance = new TestInstanceDocuments();
        TestCa.writePem(dir.resolve("rsa.pem"), instance.certificate());
        TestCa.writePem(dir.resolve("two.pem"), instance.certificate(), instance.certificate());
        TestCa.create().writeCaCertificatePem(dir.resolve("ec.pem"));
        Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        Path file = Files.writeString(dir.resolve("regions.yaml"), """
                rsa2048:
                  us-east-1: ec.pem
                  us-east-2: two.pem
                  Us-West-1: rsa.pem
                  eu-west-1: missing.pem
                  eu-west-2: junk.pem
                pkcs7:
                  us-east-1: rsa.pem
                rsa4096:
                  us-east-1: rsa.pem
                signature: rsa.pem
                """);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> AwsVerifierConfig.RegionCertificates.load(file));

        assertThat(refused.problems()).hasSize(8).anySatisfy(problem ->
                assertThat(problem).contains("rsa2048 us-east-1: the certificate must carry an "
                        + "RSA key of at least 2048 bits"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("us-east-2: ").contains("exactly one certificate, found 2"))
                .anySatisfy(problem -> assertThat(problem).contains("Us-West-1: not a region"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("eu-west-1: ").contains("can not be read"))
                .anySatisfy(problem -> assertThat(problem).contains("eu-west-2: "))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("pkcs7 us-east-1: the certificate must carry a DSA key"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("'rsa4096' is not a form"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("signature must map region names to PEM files"));
    }

    // Regression: the legacy forms took an RSA or DSA key of any size, so a 512-bit key whose
    // private half anyone can compute was trusted for a region.
    @Test
    void loadWhenLegacyFormKeyUnder1024BitsThenRefusedAndFrom1024Accepted() throws Exception {
        TestCa.writePem(dir.resolve("rsa512.pem"), certificateFor(keyPair("RSA", 512)));
        TestCa.writePem(dir.resolve("dsa512.pem"), certificateFor(keyPair("DSA", 512)));
        Path small = Files.writeString(dir.resolve("small.yaml"), """
                signature: {us-east-1: rsa512.pem}
                pkcs7: {us-east-1: dsa512.pem}
                """);
        TestCa.writePem(dir.resolve("rsa1024.pem"), certificateFor(keyPair("RSA", 1024)));
        TestCa.writePem(dir.resolve("dsa1024.pem"), certificateFor(keyPair("DSA", 1024)));
        Path fitting = Files.writeString(dir.resolve("fitting.yaml"), """
                signature: {us-east-1: rsa1024.pem}
                pkcs7: {us-east-1: dsa1024.pem}
                """);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> AwsVerifierConfig.RegionCertificates.load(small));

        assertThat(refused).as("keys of 512 bits are refused").isNotNull();
        assertThat(refused.problems()).satisfiesExactlyInAnyOrder(
                problem -> assertThat(problem).endsWith("signature us-east-1: the certificate "
                        + "must carry an RSA key of at least 1024 bits"),
                problem -> assertThat(problem).endsWith("pkcs7 us-east-1: the certificate "
                        + "must carry a DSA key of at least 1024 bits"));
        var loaded = AwsVerifierConfig.RegionCertificates.load(fitting);
        assertThat(loaded.certificate("signature", "us-east-1")).isPresent();
        assertThat(loaded.certificate("pkcs7", "us-east-1")).isPresent();
    }

    @Test
    void loadWhenFileEmptyOrMissingThenRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "{}\n");

        assertThat(catchThrowableOfType(InvalidConfigurationException.class,
                () -> AwsVerifierConfig.RegionCertificates.load(empty)).problems())
                .singleElement().satisfies(problem ->
                        assertThat(problem).endsWith("names no certificate"));
        assertThat(catchThrowableOfType(InvalidConfigurationException.class,
                () -> AwsVerifierConfig.RegionCertificates.load(dir.resolve("absent.yaml")))
                .problems()).singleElement().satisfies(problem ->
                        assertThat(problem).contains("can not be read"));
    }

    private static KeyPair keyPair(String algorithm, int bits) throws Exception {
        var generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    /** A certificate for the key, issued by a throwaway EC key: only its public key is used. */
    private static X509Certificate certificateFor(KeyPair subject) throws Exception {
        KeyPair issuer = keyPair("EC", 256);
        var name = new X500Name("CN=Vend test region certificate");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
                name, subject.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
