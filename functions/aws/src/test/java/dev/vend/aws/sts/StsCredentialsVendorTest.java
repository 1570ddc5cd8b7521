// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.sts;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.issue.AwsSessionRules;
import dev.vend.issue.CredentialsVendor;
import dev.vend.model.AwsCredentials;
import dev.vend.testsupport.FakeSts;
import dev.vend.verify.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** {@link StsCredentialsVendor} through the real SDK client against {@link FakeSts}. */
class StsCredentialsVendorTest {

    private static FakeSts fake;
    private static StsClient sts;
    private static String role;

    @BeforeAll
    static void start() {
        fake = FakeSts.start();
        sts = client(AwsSessionCredentials.create(FakeSts.CALLER_ACCESS_KEY_ID,
                FakeSts.CALLER_SECRET_KEY, FakeSts.CALLER_SESSION_TOKEN));
        role = fake.createRole("deploy");
    }

    @AfterAll
    static void stop() {
        sts.close();
        fake.close();
    }

    @AfterEach
    void clearFaults() {
        fake.clearFaults();
    }

    // The SDK's AwsCredentials, not Vend's of the same simple name.
    private static StsClient client(software.amazon.awssdk.auth.credentials.AwsCredentials
            credentials) {
        return StsCredentialsVendor.clientBuilder(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    private static AwsSessionRequest request(Map<String, String> tags, Duration duration) {
        var all = new HashMap<>(tags);
        all.put(AwsSessionRules.POLICY_ID_TAG, "gh-deploy");
        return new AwsSessionRequest(role, "vend-gh-deploy", all, "repo-123", null, duration);
    }

    @Test
    void lazyWhenCreatedThenTheClientIsMadeOnTheFirstAssumeRoleAndOnlyOnce() {
        var made = new AtomicInteger();
        CredentialsVendor vendor = StsCredentialsVendor.lazy(() -> {
            made.incrementAndGet();
            return sts;
        });
        assertThat(made).hasValue(0);

        vendor.assumeRole(request(Map.of(), Duration.ofMinutes(15)));
        vendor.assumeRole(request(Map.of(), Duration.ofMinutes(15)));

        assertThat(made).hasValue(1);
    }

    @Test
    void assumeRoleWhenValidThenCredentialsWithTagsSourceIdentityAndDuration() {
        Instant before = Instant.now();

        AwsCredentials credentials = new StsCredentialsVendor(sts).assumeRole(
                request(Map.of("repository_id", "123", "ref", "refs/heads/main"),
                        Duration.ofMinutes(30)));

        assertThat(credentials.accessKeyId()).startsWith("ASIA");
        assertThat(credentials.expiration()).isBetween(before.plusSeconds(1799),
                Instant.now().plusSeconds(1801));
        assertThat(credentials.toString()).doesNotContain(credentials.secretAccessKey())
                .doesNotContain(credentials.sessionToken());
        FakeSts.Session session = fake.sessions().get(fake.sessions().size() - 1);
        assertThat(session.accessKeyId()).isEqualTo(credentials.accessKeyId());
        assertThat(session.sessionToken()).isEqualTo(credentials.sessionToken());
        assertThat(session.roleArn()).isEqualTo(role);
        assertThat(session.durationSeconds()).isEqualTo(1800);
        assertThat(session.sourceIdentity()).isEqualTo("repo-123");
        assertThat(session.tags()).containsEntry("vend:policy_id", "gh-deploy")
                .containsEntry("repository_id", "123").containsEntry("ref", "refs/heads/main");
    }

    @Test
    void assumeRoleWhenSessionPolicyGivenThenPassedToSts() {
        var request = new AwsSessionRequest(role, "vend-p", Map.of("vend:policy_id", "p"), null,
                "{\"Version\":\"2012-10-17\",\"Statement\":[]}", Duration.ofMinutes(15));

        new StsCredentialsVendor(sts).assumeRole(request);

        assertThat(fake.sessions().get(fake.sessions().size() - 1).policy())
                .isEqualTo(request.sessionPolicy());
    }

    @Test
    void assumeRoleWhenOverOneHourThenRefusedBeforeStsAndStsWouldRefuseItToo() {
        int before = fake.sessions().size();

        var failure = assertFails(() -> new StsCredentialsVendor(sts).assumeRole(
                request(Map.of(), Duration.ofHours(2))), FailureKind.PERMANENT);

        assertThat(failure.getMessage()).contains("duration");
        assertThat(fake.sessions()).hasSize(before);
    }

    @Test
    void fakeWhenChainedSessionAsksForMoreThanAnHourThenValidationError() {
        // The fake's own chaining cap, reached with the SDK directly (the vendor never asks).
        var thrown = catchThrowable(() -> sts.assumeRole(b -> b
                .roleArn(role).roleSessionName("x-long").durationSeconds(7200)));

        assertThat(thrown).isInstanceOf(StsException.class).hasMessageContaining("role chaining");
        assertThat(((StsException) thrown).awsErrorDetails().errorCode())
                .isEqualTo("ValidationError");
    }

    @Test
    void assumeRoleWhenSignedWithUnknownCredentialsThenPermanentAndSignatureChecked() {
        try (StsClient stranger = client(AwsSessionCredentials.create(
                FakeSts.CALLER_ACCESS_KEY_ID, "not-the-secret", FakeSts.CALLER_SESSION_TOKEN))) {
            var failure = assertFails(() -> new StsCredentialsVendor(stranger).assumeRole(
                    request(Map.of(), Duration.ofMinutes(15))), FailureKind.PERMANENT);

            assertThat(failure.getMessage()).contains("SignatureDoesNotMatch");
        }
        try (StsClient unknown = client(AwsBasicCredentials.create("AKIDUNKNOWN", "x"))) {
            var failure = assertFails(() -> new StsCredentialsVendor(unknown).assumeRole(
                    request(Map.of(), Duration.ofMinutes(15))), FailureKind.PERMANENT);

            assertThat(failure.getMessage()).contains("InvalidClientTokenId");
        }
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("tag key with aws: prefix", Map.of("aws:x", "1")),
                Arguments.of("tag value with a forbidden character", Map.of("k", "a;b")),
                Arguments.of("tag value of 257 characters", Map.of("k", "v".repeat(257))),
                Arguments.of("tag key of 129 characters", Map.of("k".repeat(129), "v")),
                Arguments.of("keys equal but for case", Map.of("Ref", "a", "ref", "b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void assumeRoleWhenTagsBreakStsRulesThenRefusedWithoutCallingSts(String name,
            Map<String, String> tags) {
        int before = fake.sessions().size();

        assertFails(() -> new StsCredentialsVendor(sts).assumeRole(
                request(tags, Duration.ofMinutes(15))), FailureKind.PERMANENT);

        assertThat(fake.sessions()).hasSize(before);
    }

    static Stream<Arguments> stsErrors() {
        return Stream.of(
                Arguments.of(400, "Throttling", FailureKind.TRANSIENT),
                Arguments.of(500, "InternalFailure", FailureKind.TRANSIENT),
                Arguments.of(503, "ServiceUnavailable", FailureKind.TRANSIENT),
                Arguments.of(403, "AccessDenied", FailureKind.PERMANENT),
                Arguments.of(403, "RegionDisabledException", FailureKind.PERMANENT),
                Arguments.of(400, "PackedPolicyTooLarge", FailureKind.PERMANENT),
                Arguments.of(400, "MalformedPolicyDocument", FailureKind.PERMANENT));
    }

    @ParameterizedTest(name = "{1} (HTTP {0}) is {2}")
    @MethodSource("stsErrors")
    void assumeRoleWhenStsFailsThenClassifiedWithoutTheAwsMessage(int status, String code,
            FailureKind kind) {
        fake.failNext(status, code, Integer.MAX_VALUE);

        var failure = assertFails(() -> new StsCredentialsVendor(sts).assumeRole(
                request(Map.of(), Duration.ofMinutes(15))), kind);

        assertThat(failure.getMessage()).contains("STS AssumeRole failed: " + code);
        assertNeverShows(failure, FakeSts.ACCOUNT);
        assertNeverShows(failure, "assumed-role");
    }

    @Test
    void assumeRoleWhenRoleUnknownThenPermanentWithoutTheRoleArn() {
        var request = new AwsSessionRequest("arn:aws:iam::" + FakeSts.ACCOUNT + ":role/missing",
                "vend-x", Map.of("vend:policy_id", "p"), null, null, Duration.ofMinutes(15));

        var failure = assertFails(() -> new StsCredentialsVendor(sts).assumeRole(request),
                FailureKind.PERMANENT);

        assertNeverShows(failure, "role/missing");
    }
}
