// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.vend.aws.CannedResponse;
import dev.vend.aws.DynamoDbClients;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.verify.FailureKind;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * {@link DynamoDbSingleUseStore} against dynalite, which runs everywhere, plus the AWS errors
 * dynalite can not produce (throttling, access denied), played back with {@link CannedResponse}.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbSingleUseStoreDynaliteTest extends DynamoDbSingleUseStoreContract {

    /** An AWS error message as real ones look: it names an account, a role and a session. */
    private static final String AWS_MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/"
            + "vend-fn/secret-session is not authorized to perform: dynamodb:PutItem";

    private static URI endpoint;
    private static DynamoDbClient client;
    private static String tableName;

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        endpoint = dynalite.endpoint();
        client = dynaliteClient(endpoint).build();
        tableName = Dynalite.uniqueTableName("single-use");
        SingleUseTables.create(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        SingleUseTables.delete(client, tableName);
        client.close();
    }

    static DynamoDbClientBuilder dynaliteClient(URI endpoint) {
        var credentials = AwsBasicCredentials.create(
                Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY);
        return DynamoDbClients.builder(endpoint)
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(credentials));
    }

    @Override
    DynamoDbClientBuilder clientBuilder() {
        return dynaliteClient(endpoint);
    }

    @Override
    DynamoDbClient client() {
        return client;
    }

    @Override
    String tableName() {
        return tableName;
    }

    static Stream<Arguments> awsErrors() {
        return Stream.of(
                Arguments.of("provisioned throughput exceeded", 400,
                        "ProvisionedThroughputExceededException", FailureKind.TRANSIENT),
                Arguments.of("request limit exceeded", 400,
                        "RequestLimitExceeded", FailureKind.TRANSIENT),
                Arguments.of("throttled", 400, "ThrottlingException", FailureKind.TRANSIENT),
                Arguments.of("internal server error", 500,
                        "InternalServerError", FailureKind.TRANSIENT),
                Arguments.of("service unavailable", 503,
                        "ServiceUnavailable", FailureKind.TRANSIENT),
                Arguments.of("access denied", 400, "AccessDeniedException", FailureKind.PERMANENT),
                Arguments.of("resource not found", 400,
                        "ResourceNotFoundException", FailureKind.PERMANENT),
                Arguments.of("validation", 400, "ValidationException", FailureKind.PERMANENT),
                Arguments.of("unrecognized client", 400,
                        "UnrecognizedClientException", FailureKind.PERMANENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awsErrors")
    void consumeWhenDynamoDbAnswersErrorThenFailureOfKindWithCodeButNoMessage(
            String name, int status, String code, FailureKind kind) {
        var canned = CannedResponse.dynamoDbError(status, code, AWS_MESSAGE);
        // No retries, so the failure is the error itself and not a call timeout after retries.
        var noRetries = DynamoDbClients.overrideConfiguration()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .addExecutionInterceptor(canned)
                .build();
        try (var client = clientBuilder().overrideConfiguration(noRetries).build()) {
            var store = new DynamoDbSingleUseStore(client, tableName);

            var failure = assertFails(() -> store.consume(freshKey(), IN_FIVE_MINUTES, NOW), kind);

            assertThat(failure.getMessage()).contains(code).contains("HTTP " + status);
            assertNeverShows(failure, AWS_MESSAGE);
            assertNeverShows(failure, "123456789012");
        }
    }

    @Test
    void consumeWhenThrottledOnEveryAttemptThenTransientWithinTheCallTimeout() {
        var canned = CannedResponse.dynamoDbError(400,
                "ProvisionedThroughputExceededException", AWS_MESSAGE);
        var withRetries = DynamoDbClients.overrideConfiguration()
                .addExecutionInterceptor(canned)
                .build();
        try (var client = clientBuilder().overrideConfiguration(withRetries).build()) {
            var store = new DynamoDbSingleUseStore(client, tableName);
            var started = System.nanoTime();

            var failure = assertFails(() -> store.consume(freshKey(), IN_FIVE_MINUTES, NOW),
                    FailureKind.TRANSIENT);

            var elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(elapsed).isLessThan(DynamoDbClients.API_CALL_TIMEOUT.plusSeconds(1));
            assertThat(canned.attempts()).isBetween(1, 3);
            assertNeverShows(failure, AWS_MESSAGE);
        }
    }

    @Test
    void consumeWhenKeyEmptyThenIllegalArgumentWithoutCallingDynamoDb() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store().consume("", IN_FIVE_MINUTES, NOW));
    }

    @Test
    void consumeWhenKeyLongerThanDynamoDbStoresThenIllegalArgument() {
        var longest = "challenge:" + "x".repeat(DynamoDbSingleUseStore.MAX_KEY_BYTES - 10);
        var tooLong = longest + "x";

        assertThat(store().consume(longest, IN_FIVE_MINUTES, NOW)).isTrue();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store().consume(tooLong, IN_FIVE_MINUTES, NOW));
    }

    @Test
    void constructWhenTableNameBlankThenIllegalArgument() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DynamoDbSingleUseStore(client, " "));
    }
}
