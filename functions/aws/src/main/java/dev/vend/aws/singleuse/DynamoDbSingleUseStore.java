// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import dev.vend.aws.AwsFailures;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.vend.RequestIds;
import dev.vend.verify.SingleUseStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * A {@link SingleUseStore} on a DynamoDB table: each {@link #consume} is one conditional
 * {@code PutItem}, so two Lambda instances racing for one value get exactly one {@code true}.
 *
 * <p><strong>Table.</strong> Partition key {@value #PARTITION_KEY} (string), no sort key. Each
 * item holds the key as given, {@value #EXPIRES_AT} (number, epoch seconds) and
 * {@value #CONSUME_ID} (a random id of the consuming call). {@value #EXPIRES_AT} is also the
 * table's TTL attribute, but TTL is housekeeping only: DynamoDB deletes expired items up to days
 * late, so expiry is checked in the consuming write itself (DESIGN, "Challenges and single use").
 * The function needs {@code dynamodb:PutItem} on the table and nothing else.
 *
 * <p><strong>Expiry.</strong> The write succeeds when no item has the key, or the item's
 * {@value #EXPIRES_AT} is before {@code now}. Expiry is stored rounded <em>up</em> to the whole
 * second and {@code now} compared rounded <em>down</em>, so a value is never released early: it
 * becomes consumable again between one and two seconds after {@code expiresAt}, where
 * {@link dev.vend.verify.InMemorySingleUseStore} releases it at once.
 *
 * <p><strong>Retries.</strong> The SDK retries an attempt whose response was lost (a timeout, a
 * 500). Had that attempt's write gone through, the retry would fail its condition and report a
 * replay for the first use. So the condition also accepts an item that carries this call's
 * {@value #CONSUME_ID}; no other call can know it (a random UUID from
 * {@code RequestIds.nextUuid()}, whose generator is made anew after a SnapStart restore).
 *
 * <p><strong>Keys.</strong> Stored as given, not hashed, so operators can read the table. Keys
 * are namespaced by the caller ({@code jti:<issuer id>:<jti>}, {@code challenge:<nonce>}) and
 * never hold secrets: a {@code jti} is an identifier, not a credential, and a challenge nonce is
 * worthless once consumed, which is the only time it is written.
 *
 * <p><strong>Failures.</strong> A failed condition is {@code false}. Everything else the SDK
 * throws becomes a {@link dev.vend.verify.VendingFailure} through {@link AwsFailures}: throttling,
 * 5xx, timeouts and I/O errors are transient, access denied, a missing table and validation
 * errors permanent; the message carries the AWS error code, never the AWS error message.
 *
 * <p><strong>Limitation:</strong> conditional writes are atomic within one region only. With a
 * DynamoDB global table, a value could be consumed once in each replica region before
 * replication catches up; use a single-region table (each region its own) and accept that
 * replay protection is per region.
 *
 * <p><strong>Metrics.</strong> Each {@code PutItem}'s duration, whatever its outcome, is recorded
 * as {@link Metric#SINGLE_USE_STORE_LATENCY} into the request's {@link Metrics}.
 *
 * <p>Immutable and thread-safe if the client is (SDK clients are). The caller owns the client
 * and closes it.
 */
public final class DynamoDbSingleUseStore implements SingleUseStore {

    /** The partition key attribute: the consumed value, a string. */
    public static final String PARTITION_KEY = "pk";
    /** Until when the value stays consumed, epoch seconds; also the table's TTL attribute. */
    public static final String EXPIRES_AT = "expires_at";
    /** The random id of the {@link #consume} call that wrote the item. */
    public static final String CONSUME_ID = "consume_id";

    /** DynamoDB's limit on a partition key value, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 2048;

    private static final String UNUSED_OR_EXPIRED_OR_OURS =
            "attribute_not_exists(pk) OR expires_at < :now OR consume_id = :consume_id";
    private static final String OPERATION = "DynamoDB PutItem (single use)";

    private final DynamoDbClient client;
    private final String tableName;
    private final Metrics metrics;

    /**
     * Creates the store.
     *
     * @param client the client to call DynamoDB with, for example from
     *     {@link dev.vend.aws.DynamoDbClients#create}; not closed by the store
     * @param tableName the table's name (not its ARN)
     * @throws IllegalArgumentException if the table name is blank
     */
    public DynamoDbSingleUseStore(DynamoDbClient client, String tableName) {
        this(client, tableName, Metrics.none());
    }

    /**
     * Creates the store, recording each write's duration.
     *
     * @param client the client to call DynamoDB with; not closed by the store
     * @param tableName the table's name (not its ARN)
     * @param metrics where each {@code PutItem}'s duration is recorded
     * @throws IllegalArgumentException if the table name is blank
     */
    public DynamoDbSingleUseStore(DynamoDbClient client, String tableName, Metrics metrics) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (tableName.isBlank()) {
            throw new IllegalArgumentException("tableName is blank");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the key is empty or longer than 2048 UTF-8 bytes, which
     *     DynamoDB can not store; callers bound their keys (a {@code jti} of a sane length)
     * @throws dev.vend.verify.VendingFailure if DynamoDB can not answer; see the class comment
     */
    @Override
    public boolean consume(String key, Instant expiresAt, Instant now) {
        requireStorable(key);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        var request = conditionalPut(key, expiresAt, now);
        try (Metrics.Timer put = metrics.timer(Metric.SINGLE_USE_STORE_LATENCY)) {
            client.putItem(request);
            return true;
        } catch (ConditionalCheckFailedException alreadyConsumed) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.failure(OPERATION, e);
        }
    }

    @Override
    public String toString() {
        return "DynamoDbSingleUseStore[" + tableName + "]";
    }

    private PutItemRequest conditionalPut(String key, Instant expiresAt, Instant now) {
        var consumeId = AttributeValue.fromS(RequestIds.nextUuid().toString());
        var item = Map.of(
                PARTITION_KEY, AttributeValue.fromS(key),
                EXPIRES_AT, epochSeconds(secondsRoundedUp(expiresAt)),
                CONSUME_ID, consumeId);
        var values = Map.of(
                ":now", epochSeconds(now.getEpochSecond()),
                ":consume_id", consumeId);
        return PutItemRequest.builder()
                .tableName(tableName)
                .item(item)
                .conditionExpression(UNUSED_OR_EXPIRED_OR_OURS)
                .expressionAttributeValues(values)
                .build();
    }

    private static long secondsRoundedUp(Instant instant) {
        return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }

    private static AttributeValue epochSeconds(long seconds) {
        return AttributeValue.fromN(Long.toString(seconds));
    }

    private static void requireStorable(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key is empty");
        }
        var bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + bytes + " UTF-8 bytes, more than "
                    + MAX_KEY_BYTES + " that DynamoDB stores");
        }
    }
}
