// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.audit.AuditLog;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.azure.AzureVerifierConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The deployment settings for the cloud verifiers: Azure roots and intermediates, the extra STS
 * endpoint, region certificates for EC2 documents and older EC2 forms. Each is checked before
 * Vend starts, and a wrong one stops the start with a message naming the setting.
 */
class CloudSettingsTest {

    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private final Map<String, String> cloud = new HashMap<>();

    @Test
    void buildWhenAzureIntermediatesFileHoldsCertificatesThenStarts() throws Exception {
        Path pem = dir.resolve("intermediates.pem");
        TestCa.create().writeCaCertificatePem(pem);
        cloud.put(CloudTrust.AZURE_INTERMEDIATES, pem.toString());

        assertThat(VendAssembly.build(settings(), environment())).isNotNull();
    }

    @Test
    void buildWhenAzureIntermediatesFileHoldsNoCertificateThenRefusedAtStart() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        cloud.put(CloudTrust.AZURE_INTERMEDIATES, empty.toString());

        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("vend.azure-intermediates-file");
    }

    @Test
    void buildWhenLegacyFormsNamedThenStartsAndUnknownOnesAreRefused() throws Exception {
        cloud.put(CloudTrust.LEGACY_FORMS, "pkcs7, signature");
        assertThat(VendAssembly.build(settings(), environment())).isNotNull();

        cloud.put(CloudTrust.LEGACY_FORMS, "dsa");
        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("'dsa' is not pkcs7 or signature");
    }

    @Test
    void readWhenAzureRootsFileSetThenItsRootsReplaceTheBundledOnes() throws Exception {
        var pki = new TestAzureAttested(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)),
                "metadata.azure.com");
        cloud.put(CloudTrust.AZURE_ROOTS,
                TestCa.writePem(dir.resolve("roots.pem"), pki.root()).toString());

        assertThat(CloudTrust.read(settings()).azureRoots().get()).containsExactly(pki.root());
        cloud.remove(CloudTrust.AZURE_ROOTS);
        assertThat(CloudTrust.read(settings()).azureRoots()).isSameAs(AzureVerifierConfig.BUNDLED);
        assertThat(AzureVerifierConfig.BUNDLED.get())
                .isEqualTo(AzureVerifierConfig.bundledRoots());
    }

    @Test
    void buildWhenAzureRootsFileHoldsNoCaCertificateThenRefusedAtStart() throws Exception {
        TestCa ca = TestCa.create();
        cloud.put(CloudTrust.AZURE_ROOTS, TestCa.writePem(dir.resolve("leaf.pem"),
                ca.caCertificate(), ca.serverCertificate()).toString());

        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("vend.azure-roots-file")
                .hasMessageContaining("CN=localhost is not a CA certificate");
    }

    @Test
    void buildWhenAzureRootsFileEmptyOrMissingThenRefusedAtStart() throws Exception {
        cloud.put(CloudTrust.AZURE_ROOTS,
                Files.writeString(dir.resolve("empty.pem"), "").toString());
        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .hasMessageContaining("vend.azure-roots-file")
                .hasMessageContaining("no certificate");

        cloud.put(CloudTrust.AZURE_ROOTS, dir.resolve("absent.pem").toString());
        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .hasMessageContaining("vend.azure-roots-file")
                .hasMessageContaining("can not be read");
    }

    @Test
    void readWhenStsEndpointSetThenItsHostIsTheOneAddedToTheAllowlist() throws Exception {
        cloud.put(CloudTrust.STS_ENDPOINT, "http://127.0.0.1:4566");

        var endpoint = CloudTrust.read(settings()).stsEndpoint();

        assertThat(endpoint).isNotNull();
        assertThat(endpoint.host()).isEqualTo("127.0.0.1:4566");
        assertThat(VendAssembly.build(settings(), environment())).isNotNull();
        cloud.remove(CloudTrust.STS_ENDPOINT);
        assertThat(CloudTrust.read(settings()).stsEndpoint()).isNull();
    }

    @Test
    void buildWhenStsEndpointIsPlainHttpToAnotherHostThenRefusedAtStart() throws Exception {
        cloud.put(CloudTrust.STS_ENDPOINT, "http://sts.us-east-1.amazonaws.com");

        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("vend.aws-sts-endpoint (http://sts.us-east-1.amazonaws.com): "
                        + "plain http is allowed only for a loopback host");
    }

    // Regression: a refused endpoint was repeated in full, so its credentials reached the start
    // error of the function (and the logs that keep it).
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://ci-bot:s3cret@sts.example | vend.aws-sts-endpoint (https://sts.example): user "
                + "info is not allowed",
        "https://sts.example/?X-Amz-Signature=s3cret | vend.aws-sts-endpoint (https://sts.example)"
                + ": a query or fragment is not allowed",
        "https://ci-bot :s3cret@sts.example | vend.aws-sts-endpoint: not a URL",
    })
    void buildWhenStsEndpointCarriesCredentialsThenRefusedWithoutRepeatingThem(String url,
            String expected) throws Exception {
        cloud.put(CloudTrust.STS_ENDPOINT, url);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings(), environment()));

        assertThat(refused.problems()).containsExactly(expected);
        assertThat(refused).hasMessageNotContaining("s3cret").hasMessageNotContaining("ci-bot");
    }

    @Test
    void readWhenRegionCertificatesFileSetThenItsCertificatesAreUsed() throws Exception {
        var instance = new TestInstanceDocuments();
        cloud.put(CloudTrust.REGION_CERTIFICATES,
                instance.writeRegionCertificatesFile(dir, "xx-vend-1").toString());

        assertThat(CloudTrust.read(settings()).regionCertificates().byForm().get("rsa2048"))
                .containsExactly(Map.entry("xx-vend-1", instance.certificate()));
        assertThat(VendAssembly.build(settings(), environment())).isNotNull();
    }

    @Test
    void buildWhenRegionCertificatesFileWrongThenRefusedAtStart() throws Exception {
        TestCa.create().writeCaCertificatePem(dir.resolve("ec.pem"));
        cloud.put(CloudTrust.REGION_CERTIFICATES, Files.writeString(
                dir.resolve("regions.yaml"), "rsa2048: {us-east-1: ec.pem}\n").toString());

        assertThatThrownBy(() -> VendAssembly.build(settings(), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("vend.aws-region-certificates-file ")
                .hasMessageContaining("rsa2048 us-east-1: the certificate must carry an RSA key");
    }

    @Test
    void buildWhenSeveralCloudSettingsWrongThenEveryProblemIsReportedAtOnce() throws Exception {
        cloud.put(CloudTrust.AZURE_ROOTS, dir.resolve("absent.pem").toString());
        cloud.put(CloudTrust.STS_ENDPOINT, "https://sts.example/path");
        cloud.put(CloudTrust.REGION_CERTIFICATES, dir.resolve("absent.yaml").toString());
        cloud.put(CloudTrust.LEGACY_FORMS, "dsa");

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings(), environment()));

        assertThat(refused.problems()).hasSize(4)
                .anySatisfy(problem -> assertThat(problem).startsWith("vend.azure-roots-file"))
                .anySatisfy(problem -> assertThat(problem).startsWith("vend.aws-sts-endpoint"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("vend.aws-region-certificates-file"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("vend.aws-legacy-document-forms"));
    }

    @Test
    void contextWhenCloudVariablesSetThenBoundUnderTheirDocumentedNames() throws Exception {
        // The environment variables of the settings table in docs/deployment.md, read with the
        // naming convention Micronaut applies to the process environment in Lambda.
        var instance = new TestInstanceDocuments();
        Path regions = instance.writeRegionCertificatesFile(dir, "xx-vend-1");
        Path roots = TestCa.create().writeCaCertificatePem(dir.resolve("roots.pem"));
        Map<String, Object> variables = Map.of(
                "VEND_ISSUER_URL", "https://vend.test",
                "VEND_STATE_DIR", dir.resolve("state").toString(),
                "VEND_POLICIES_FOLDER", Files.createDirectories(dir.resolve("policies")).toString(),
                "VEND_AWS_STS_ENDPOINT", "http://localhost:4566",
                "VEND_AWS_REGION_CERTIFICATES_FILE", regions.toString(),
                "VEND_AZURE_ROOTS_FILE", roots.toString());
        try (ApplicationContext context = ApplicationContext.builder()
                .environmentPropertySource(false)
                .propertySources(PropertySource.of("environment", variables,
                        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start()) {
            VendSettings settings = context.getBean(VendSettings.class);
            assertThat(settings.awsStsEndpoint()).isEqualTo("http://localhost:4566");
            assertThat(settings.awsRegionCertificatesFile()).isEqualTo(regions.toString());
            assertThat(settings.azureRootsFile()).isEqualTo(roots.toString());
            assertThat(context.getBean(VendAssembly.class)).isNotNull();
        }
    }

    private VendSettings settings() throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        return new VendSettings("https://vend.test", null, policies.toString(),
                dir.resolve("state").toString(), "ES256", null, null, null, 300, 3600, null, null,
                cloud.get(CloudTrust.AZURE_INTERMEDIATES), cloud.get(CloudTrust.LEGACY_FORMS),
                cloud.get(CloudTrust.STS_ENDPOINT), cloud.get(CloudTrust.REGION_CERTIFICATES),
                cloud.get(CloudTrust.AZURE_ROOTS));
    }

    private static VendAssembly.Environment environment() {
        return new VendAssembly.Environment(Clock.systemUTC(), new InMemorySingleUseStore(),
                AuditLog.discarding(), HttpsFetcher.withDefaultTrust());
    }
}
