// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.issue.AwsSessionRules;
import dev.vend.issue.CredentialsVendor;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.model.AwsCredentials;
import dev.vend.testsupport.FakeSts;
import dev.vend.verify.VendingFailure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** What AssumeRole records into the request's metrics, against {@link FakeSts}. */
class StsCredentialsVendorMetricsTest {

    private static FakeSts fake;
    private static String role;

    private final RequestMetrics metrics = new RequestMetrics();

    @BeforeAll
    static void start() {
        fake = FakeSts.start();
        role = fake.createRole("metrics");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @AfterEach
    void clearFaults() {
        fake.clearFaults();
    }

    private static StsClient client() {
        return StsCredentialsVendor.clientBuilder(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        FakeSts.CALLER_ACCESS_KEY_ID, FakeSts.CALLER_SECRET_KEY,
                        FakeSts.CALLER_SESSION_TOKEN)))
                .build();
    }

    private static AwsSessionRequest request() {
        return new AwsSessionRequest(role, "vend-metrics",
                Map.of(AwsSessionRules.POLICY_ID_TAG, "metrics"), "repo-1", null,
                Duration.ofMinutes(15));
    }

    @Test
    void assumeRoleWhenStsAnswersThenOneStsLatency() {
        CredentialsVendor vendor =
                StsCredentialsVendor.lazy(StsCredentialsVendorMetricsTest::client, metrics);

        try (var scope = metrics.open()) {
            AwsCredentials credentials = vendor.assumeRole(request());

            assertThat(credentials.accessKeyId()).startsWith("ASIA");
            assertThat(scope.recorded()).containsOnlyKeys(Metric.STS_LATENCY);
            assertThat(scope.recorded().get(Metric.STS_LATENCY)).singleElement()
                    .satisfies(ms -> assertThat(ms).isPositive());
        }
    }

    @Test
    void assumeRoleWhenStsDeniesThenTheFailedCallIsMeasuredToo() {
        fake.failNext(403, "AccessDenied", 1);

        try (StsClient sts = client(); var scope = metrics.open()) {
            Throwable thrown = catchThrowable(
                    () -> new StsCredentialsVendor(sts, metrics).assumeRole(request()));

            assertThat(thrown).isInstanceOf(VendingFailure.class);
            assertThat(scope.recorded()).containsOnlyKeys(Metric.STS_LATENCY);
        }
    }
}
