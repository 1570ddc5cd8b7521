// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.audit.AuditLog;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a deployment learns when it can not start: every problem of its settings, its cloud trust
 * and its issuer registry in one refusal, and never a credential a refused URL carried.
 */
class StartProblemsTest {

    @TempDir
    Path dir;

    // Regression: the settings, the cloud trust and the issuer registry were checked one after
    // the other, each throwing, so a deployment with a problem in each learned only the first.
    @Test
    void buildWhenSettingsCloudTrustAndIssuersEachWrongThenEveryProblemReportedAtOnce()
            throws Exception {
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    preset: nope
                    jwksUri: https://issuer.example/jwks
                """);
        VendSettings settings = settings(issuers.toString(), 10, null, null,
                "https://ci-bot:s3cret@sts.example");

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings, environment()));

        assertThat(refused.problems()).containsExactlyInAnyOrder(
                "vend.max-lifetime-seconds must be between 60 and 43200",
                "vend.aws-sts-endpoint (https://sts.example): user info is not allowed",
                "issuers[0]: unknown preset 'nope'");
        assertThat(refused).hasMessageNotContaining("s3cret");
    }

    @Test
    void buildWhenIssuersFileUnreadableAndSettingsWrongThenBothReported() {
        VendSettings settings = settings(dir.resolve("absent.yaml").toString(), 10, null, null,
                null);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings, environment()));

        assertThat(refused.problems()).hasSize(2)
                .contains("vend.max-lifetime-seconds must be between 60 and 43200")
                .anySatisfy(problem -> assertThat(problem).contains("absent.yaml")
                        .contains("can not be read"));
    }

    // Regression: an endpoint override was parsed with URI.create, whose refusal repeats the
    // whole value, and one with user info was accepted and used.
    @Test
    void buildWhenEndpointOverridesCarryCredentialsThenRefusedWithoutRepeatingThem() {
        VendSettings settings = settings(null, 3600, "http://ops:s3cret@127.0.0.1:4566",
                "http://127.0.0.1:8000/?X-Amz-Security-Token=s3cret", null);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings, environment()));

        assertThat(refused.problems()).containsExactlyInAnyOrder(
                "vend.kms-endpoint (http://127.0.0.1): user info is not allowed",
                "vend.dynamodb-endpoint (http://127.0.0.1): a query or fragment is not allowed");
        assertThat(refused).hasMessageNotContaining("s3cret").hasMessageNotContaining("ops");
    }

    @Test
    void buildWhenEndpointOverrideIsNoHttpUrlThenRefusedWithoutRepeatingIt() {
        VendSettings settings = settings(null, 3600, "http://ops :s3cret@127.0.0.1:4566",
                "ops:s3cret@127.0.0.1:8000", null);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> VendAssembly.build(settings, environment()));

        assertThat(refused.problems()).containsExactlyInAnyOrder(
                "vend.kms-endpoint: not a URL",
                "vend.dynamodb-endpoint: must be an http or https URL with a host");
        assertThat(refused).hasMessageNotContaining("s3cret");
    }

    /** The Lambda function's own start, from its environment variables, as its log shows it. */
    @Test
    void contextWhenEndpointVariablesCarryCredentialsThenStartErrorNeverRepeatsThem()
            throws Exception {
        Map<String, Object> variables = Map.of(
                "VEND_ISSUER_URL", "https://vend.test",
                "VEND_STATE_DIR", dir.resolve("state").toString(),
                "VEND_POLICIES_FOLDER", Files.createDirectories(dir.resolve("policies")).toString(),
                "VEND_SINGLE_USE_TABLE", "single-use",
                "VEND_DYNAMODB_ENDPOINT", "http://ops:s3cret@127.0.0.1:8000",
                "VEND_AWS_STS_ENDPOINT", "https://ci-bot:s3cret@sts.example");

        Throwable failed = catchThrowable(() -> ApplicationContext.builder()
                .environmentPropertySource(false)
                .propertySources(PropertySource.of("environment", variables,
                        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start().close());

        assertThat(failed).isNotNull();
        var trace = new StringWriter();
        failed.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).contains("vend.dynamodb-endpoint (http://127.0.0.1)")
                .doesNotContain("s3cret").doesNotContain("ops:").doesNotContain("ci-bot");
    }

    private VendSettings settings(@Nullable String issuersFile, long maxLifetime,
            @Nullable String kmsEndpoint, @Nullable String dynamoDbEndpoint,
            @Nullable String stsEndpoint) {
        return new VendSettings("https://vend.test", issuersFile,
                dir.resolve("policies").toString(), dir.resolve("state").toString(), "ES256",
                null, null, dynamoDbEndpoint, 300, maxLifetime, kmsEndpoint, null, null, null,
                stsEndpoint, null, null);
    }

    private static VendAssembly.Environment environment() {
        return new VendAssembly.Environment(Clock.systemUTC(), new InMemorySingleUseStore(),
                AuditLog.discarding(), HttpsFetcher.withDefaultTrust());
    }
}
