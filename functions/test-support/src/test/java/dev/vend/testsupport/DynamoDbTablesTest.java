// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class DynamoDbTablesTest {

    private static DynamoDbClient client;

    @BeforeAll
    static void connect() {
        client = DynamoDbTables.client(Dynalite.shared());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void createWhenSortKeyAskedThenOnDemandTableKeyedByStringPkAndSk() {
        String name = Dynalite.uniqueTableName("policies");

        DynamoDbTables.create(client, name, true);

        TableDescription table = describe(name);
        assertThat(table.keySchema()).extracting(key -> key.attributeName() + " "
                + key.keyTypeAsString()).containsExactly("pk HASH", "sk RANGE");
        assertThat(table.attributeDefinitions()).extracting(attribute ->
                attribute.attributeName() + " " + attribute.attributeTypeAsString())
                .containsExactlyInAnyOrder("pk S", "sk S");
        assertThat(table.billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);
    }

    @Test
    void createWhenNoSortKeyThenKeyedByStringPkAlone() {
        String name = Dynalite.uniqueTableName("single-use");

        DynamoDbTables.create(client, name, false);

        assertThat(describe(name).keySchema()).extracting(key -> key.attributeName() + " "
                + key.keyTypeAsString()).containsExactly("pk HASH");
    }

    private static TableDescription describe(String name) {
        return client.describeTable(request -> request.tableName(name)).table();
    }
}
