// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.util.ArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the tables Vend's DynamoDB stores read, on {@link Dynalite} or any DynamoDB endpoint:
 * on demand, keyed by a string {@code pk}, and a string {@code sk} for the policy table; and a
 * plain SDK client for a dynalite. The AWS SDK's DynamoDB module is a provided dependency of
 * this module: callers bring it. Stateless.
 */
public final class DynamoDbTables {

    private DynamoDbTables() {
    }

    /**
     * A DynamoDB client for this dynalite, with its dummy region and credentials and the SDK's
     * defaults otherwise. The caller closes it.
     */
    public static DynamoDbClient client(Dynalite dynalite) {
        return DynamoDbClient.builder().endpointOverride(dynalite.endpoint())
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY)))
                .build();
    }

    /**
     * Creates an on-demand table keyed by {@code pk}, and {@code sk} when asked (the policy
     * table), and waits until it exists.
     */
    public static void create(DynamoDbClient client, String name, boolean sortKey) {
        var keys = new ArrayList<KeySchemaElement>();
        var attributes = new ArrayList<AttributeDefinition>();
        keys.add(key("pk", KeyType.HASH));
        attributes.add(stringAttribute("pk"));
        if (sortKey) {
            keys.add(key("sk", KeyType.RANGE));
            attributes.add(stringAttribute("sk"));
        }
        client.createTable(table -> table.tableName(name).keySchema(keys)
                .attributeDefinitions(attributes).billingMode(BillingMode.PAY_PER_REQUEST));
        client.waiter().waitUntilTableExists(request -> request.tableName(name));
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name)
                .attributeType(ScalarAttributeType.S).build();
    }
}
