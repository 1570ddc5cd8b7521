// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates and deletes single-use tables in an emulator, shaped as {@link DynamoDbSingleUseStore}
 * documents. TTL is not switched on: dynalite has no {@code UpdateTimeToLive}, and the store must
 * not depend on it anyway. Stateless and thread-safe.
 */
final class SingleUseTables {

    private SingleUseTables() {
    }

    static void create(DynamoDbClient client, String tableName) {
        client.createTable(table -> table
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(DynamoDbSingleUseStore.PARTITION_KEY)
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName(DynamoDbSingleUseStore.PARTITION_KEY)
                        .keyType(KeyType.HASH)
                        .build()));
        client.waiter().waitUntilTableExists(table -> table.tableName(tableName));
    }

    static void delete(DynamoDbClient client, String tableName) {
        client.deleteTable(table -> table.tableName(tableName));
    }
}
