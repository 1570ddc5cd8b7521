// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What a conditional write records into the request's metrics, against dynalite. */
@ExtendWith(DynaliteExtension.class)
class DynamoDbSingleUseStoreMetricsTest {

    private static DynamoDbClient client;
    private static String tableName;

    private final RequestMetrics metrics = new RequestMetrics();

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        client = DynamoDbSingleUseStoreDynaliteTest.dynaliteClient(dynalite.endpoint()).build();
        tableName = Dynalite.uniqueTableName("single-use-metrics");
        SingleUseTables.create(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        SingleUseTables.delete(client, tableName);
        client.close();
    }

    @Test
    void consumeWhenFirstUseAndReplayThenEachWriteRecordsItsDuration() {
        var store = new DynamoDbSingleUseStore(client, tableName, metrics);
        Instant now = Instant.now();
        String key = "challenge:" + Long.toHexString(System.nanoTime());

        try (var scope = metrics.open()) {
            boolean first = store.consume(key, now.plusSeconds(300), now);
            boolean replay = store.consume(key, now.plusSeconds(300), now);

            assertThat(List.of(first, replay)).containsExactly(true, false);
            assertThat(scope.recorded()).containsOnlyKeys(Metric.SINGLE_USE_STORE_LATENCY);
            assertThat(scope.recorded().get(Metric.SINGLE_USE_STORE_LATENCY)).hasSize(2)
                    .allSatisfy(ms -> assertThat(ms).isPositive());
        }
    }
}
