// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.aws.CannedResponse;
import dev.vend.aws.DynamoDbClients;
import dev.vend.verify.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What {@link DynamoDbSingleUseStore} must do against any DynamoDB: subclasses run it against
 * dynalite and LocalStack. Each subclass owns one uniquely named table; every test uses fresh
 * keys, so tests share the table safely.
 */
abstract class DynamoDbSingleUseStoreContract {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final Instant IN_FIVE_MINUTES = NOW.plus(Duration.ofMinutes(5));
    private static final int RACERS = 16;

    /** A builder for a client to the emulator: endpoint, region, dummy credentials, timeouts. */
    abstract DynamoDbClientBuilder clientBuilder();

    /** The shared client to the emulator. */
    abstract DynamoDbClient client();

    /** This class's table. */
    abstract String tableName();

    DynamoDbSingleUseStore store() {
        return new DynamoDbSingleUseStore(client(), tableName());
    }

    static String freshKey() {
        return "jti:github-actions:" + UUID.randomUUID();
    }

    @Test
    void consumeWhenKeyIsNewThenTrue() {
        assertThat(store().consume(freshKey(), IN_FIVE_MINUTES, NOW)).isTrue();
    }

    @Test
    void consumeWhenConsumedBeforeThenFalse() {
        var store = store();
        var key = freshKey();

        var first = store.consume(key, IN_FIVE_MINUTES, NOW);
        var second = store.consume(key, IN_FIVE_MINUTES, NOW.plusSeconds(1));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
    }

    @Test
    void consumeWhenConsumedByAnotherStoreOnTheSameTableThenFalse() {
        var key = "challenge:" + UUID.randomUUID().toString().replace("-", "");

        assertThat(store().consume(key, IN_FIVE_MINUTES, NOW)).isTrue();
        assertThat(store().consume(key, IN_FIVE_MINUTES, NOW)).isFalse();
    }

    @Test
    void consumeWhenOtherKeysConsumedThenTrue() {
        var store = store();
        var jti = UUID.randomUUID().toString();

        assertThat(store.consume("jti:github-actions:" + jti, IN_FIVE_MINUTES, NOW)).isTrue();
        assertThat(store.consume("jti:gitlab:" + jti, IN_FIVE_MINUTES, NOW)).isTrue();
    }

    @Test
    void consumeWhenClockAtOrJustPastExpiryThenStillFalse() {
        var store = store();
        var key = freshKey();
        store.consume(key, IN_FIVE_MINUTES, NOW);

        assertThat(store.consume(key, IN_FIVE_MINUTES, IN_FIVE_MINUTES)).isFalse();
        // Expiry is compared in whole seconds, rounded so that a value is never released early.
        assertThat(store.consume(key, IN_FIVE_MINUTES, IN_FIVE_MINUTES.plusMillis(999))).isFalse();
    }

    @Test
    void consumeWhenClockMovedPastExpiryThenTrueAgainAndConsumedAgain() {
        var store = store();
        var key = freshKey();
        var later = IN_FIVE_MINUTES.plusSeconds(2);
        var laterExpiry = later.plus(Duration.ofMinutes(5));
        store.consume(key, IN_FIVE_MINUTES, NOW);

        var reused = store.consume(key, laterExpiry, later);
        var replayed = store.consume(key, laterExpiry, later.plusSeconds(1));

        assertThat(reused).isTrue();
        assertThat(replayed).isFalse();
    }

    @Test
    void consumeWhenExpiryHasMillisThenStoredRoundedUpInEpochSeconds() {
        var key = freshKey();
        var expiresAt = IN_FIVE_MINUTES.plusMillis(1);

        store().consume(key, expiresAt, NOW);

        var item = client().getItem(get -> get
                .tableName(tableName())
                .key(Map.of("pk", AttributeValue.fromS(key)))
                .consistentRead(true)).item();
        assertThat(item.get("pk").s()).isEqualTo(key);
        assertThat(item.get("expires_at").n())
                .isEqualTo(Long.toString(IN_FIVE_MINUTES.getEpochSecond() + 1));
        assertThat(item.get("consume_id").s()).isNotBlank();
    }

    @Test
    void consumeWhenSixteenThreadsRaceForOneKeyThenExactlyOneWins() throws Exception {
        var store = store();
        var key = freshKey();

        var wins = race(() -> store.consume(key, IN_FIVE_MINUTES, NOW));

        assertThat(wins).isEqualTo(1);
    }

    @Test
    void consumeWhenSixteenThreadsRaceForAnExpiredKeyThenExactlyOneWins() throws Exception {
        var store = store();
        var key = freshKey();
        var later = IN_FIVE_MINUTES.plusSeconds(10);
        store.consume(key, IN_FIVE_MINUTES, NOW);

        var wins = race(() -> store.consume(key, later.plus(Duration.ofMinutes(5)), later));

        assertThat(wins).isEqualTo(1);
    }

    @Test
    void consumeWhenTableMissingThenPermanentFailureWithoutAwsMessage() {
        var missing = tableName() + "-missing";
        var awsMessage = awsMessageOfPutTo(missing);
        var store = new DynamoDbSingleUseStore(client(), missing);

        var failure = assertFails(() -> store.consume(freshKey(), IN_FIVE_MINUTES, NOW),
                FailureKind.PERMANENT);

        assertThat(failure.getMessage()).contains("ResourceNotFoundException");
        assertNeverShows(failure, awsMessage);
        assertNeverShows(failure, missing);
    }

    @Test
    void consumeWhenFirstResponseIsLostThenTheRetryStillConsumes() {
        // The SDK retries a 500. If the lost attempt had written the item, a retry checking only
        // "absent or expired" would fail and report the first use as a replay.
        var lost = CannedResponse.firstResponseLost();
        var key = freshKey();
        try (var client = clientBuilder()
                .overrideConfiguration(DynamoDbClients.overrideConfiguration()
                        .addExecutionInterceptor(lost)
                        .build())
                .build()) {
            var store = new DynamoDbSingleUseStore(client, tableName());

            var first = store.consume(key, IN_FIVE_MINUTES, NOW);
            var second = store.consume(key, IN_FIVE_MINUTES, NOW);

            assertThat(lost.replaced()).isEqualTo(1);
            assertThat(lost.attempts()).isEqualTo(3);
            assertThat(first).isTrue();
            assertThat(second).isFalse();
        }
    }

    private String awsMessageOfPutTo(String table) {
        var item = Map.of("pk", AttributeValue.fromS(freshKey()));
        var e = catchThrowableOfType(ResourceNotFoundException.class,
                () -> client().putItem(put -> put.tableName(table).item(item)));
        assertThat(e).as("a put to a missing table").isNotNull();
        return e.awsErrorDetails().errorMessage();
    }

    /** Runs the task on {@value #RACERS} threads released together; counts the true results. */
    private static long race(Callable<Boolean> task)
            throws InterruptedException, ExecutionException, TimeoutException {
        var pool = Executors.newFixedThreadPool(RACERS);
        try {
            var ready = new CountDownLatch(RACERS);
            var go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await(10, TimeUnit.SECONDS);
            go.countDown();
            long wins = 0;
            for (var result : results) {
                wins += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            return wins;
        } finally {
            pool.shutdownNow();
        }
    }
}
