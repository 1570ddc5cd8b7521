// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.RestoreAware;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/** The SDK client holder: lazy, delegating, and closed and rebuilt across a restore. */
class RestoreAwareClientTest {

    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");

    private final List<FakeDynamoDb> built = new ArrayList<>();
    private final RestoreAwareClient<DynamoDbClient> holder = new RestoreAwareClient<>("dynamodb",
            DynamoDbClient.class, this::build, Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void clientWhenNeverCalledThenBuildsNothingAndHoldsNothing() {
        holder.client();

        assertThat(built).isEmpty();
        assertThat(holder.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
    }

    @Test
    void clientWhenCalledThenDelegatesToOneClientBuiltOnFirstUse() {
        holder.client().putItem(PutItemRequest.builder().tableName("t").build());
        holder.client().putItem(PutItemRequest.builder().tableName("t").build());

        assertThat(built).hasSize(1);
        assertThat(built.get(0).puts).isEqualTo(2);
        assertThat(holder.restoreState()).contains("built_at=" + T0);
    }

    @Test
    void afterRestoreWhenAClientWasBuiltThenClosesItAndTheNextCallBuildsAnother() {
        holder.client().putItem(PutItemRequest.builder().tableName("t").build());

        holder.afterRestore();
        assertThat(holder.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
        holder.client().putItem(PutItemRequest.builder().tableName("t").build());

        assertThat(built).hasSize(2);
        assertThat(built.get(0).closed).isTrue();
        assertThat(built.get(1).closed).isFalse();
        assertThat(built.get(1).puts).isEqualTo(1);
    }

    private DynamoDbClient build() {
        var client = new FakeDynamoDb();
        built.add(client);
        return client;
    }

    /** Counts puts and records close; every other operation is the SDK's unsupported default. */
    private static final class FakeDynamoDb implements DynamoDbClient {
        int puts;
        boolean closed;

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            puts++;
            return PutItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
