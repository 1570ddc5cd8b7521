// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.verify.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
