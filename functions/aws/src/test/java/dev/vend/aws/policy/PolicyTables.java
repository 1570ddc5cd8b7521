// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates and deletes policy tables in an emulator, shaped as {@link PolicyTableLayout}
 * documents: string partition key {@code pk}, string sort key {@code sk}. Stateless.
 */
final class PolicyTables {

    private PolicyTables() {
    }

    static void create(DynamoDbClient client, String tableName) {
        client.createTable(table -> table
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PolicyTableLayout.PARTITION_KEY),
                        string(PolicyTableLayout.SORT_KEY))
                .keySchema(
                        KeySchemaElement.builder().attributeName(PolicyTableLayout.PARTITION_KEY)
                                .keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(PolicyTableLayout.SORT_KEY)
                                .keyType(KeyType.RANGE).build()));
        awaitActive(client, tableName);
    }

    /**
     * Waits until the table is active. The SDK's waiter backs off 20 s when its first look finds
     * the table still creating, which dynalite reports for a moment even with no creation delay.
     */
    static void awaitActive(DynamoDbClient client, String tableName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.describeTable(table -> table.tableName(tableName)).table().tableStatus()
                != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + tableName + " did not become active");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void delete(DynamoDbClient client, String tableName) {
        client.deleteTable(table -> table.tableName(tableName));
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name)
                .attributeType(ScalarAttributeType.S).build();
    }
}
