// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static dev.vend.aws.policy.PolicyStoreFixtures.T0;
import static dev.vend.aws.policy.PolicyStoreFixtures.githubIdentity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.policy.DynamoDbOutage.Mode;
import dev.vend.aws.policy.PolicyTableSync.Source;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.model.AttributeValue;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.verify.VendingFailure;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a policy lookup records into the request's metrics, against dynalite, with throttling
 * injected by {@link DynamoDbOutage}: a fresh copy is a hit, a query is a miss with its duration,
 * and a stale copy answering for a throttled query is a miss and a stale answer.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbPolicyStoreMetricsTest {

    private static DynamoDbClient setupClient;
    private static String tableName;

    private final PolicyCompiler compiler = PolicyStoreFixtures.compiler();
    private final TestClock clock = new TestClock(T0);
    private final DynamoDbOutage outage = new DynamoDbOutage();
    private final RequestMetrics metrics = new RequestMetrics();
    /** This test's tenant: an owner id no other test uses. */
    private final String owner =
            Long.toString(Math.abs(UUID.randomUUID().getLeastSignificantBits()));
    private DynamoDbClient client;
    private DynamoDbPolicyStore store;

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        setupClient = DynamoDbPolicyStoreDynaliteTest.dynaliteClient(dynalite.endpoint()).build();
        tableName = Dynalite.uniqueTableName("policies-metrics");
        PolicyTables.create(setupClient, tableName);
    }

    @AfterAll
    static void deleteTable() {
        PolicyTables.delete(setupClient, tableName);
        setupClient.close();
    }

    @BeforeEach
    void buildStore(Dynalite dynalite) {
        client = DynamoDbPolicyStoreDynaliteTest.dynaliteClient(dynalite.endpoint())
                .overrideConfiguration(DynamoDbClients.overrideConfiguration()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(outage)
                        .build())
                .build();
        store = new DynamoDbPolicyStore(client, tableName, compiler, clock, metrics);
        put(PolicyStoreFixtures.github("gh-deploy", owner, "123", ""));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private void put(String yaml) {
        Map<String, Object> document = PolicyStoreFixtures.parse(yaml);
        Policy policy = compiler.compile(document, "test");
        var issuer = compiler.issuers().byId(policy.issuerId()).orElseThrow();
        for (String pk : PolicyTableLayout.partitionKeys(policy, issuer)) {
            setupClient.putItem(put -> put.tableName(tableName)
                    .item(PolicyTableSync.item(pk, new Source(policy, document))));
        }
    }

    /** One lookup in its own request scope: what it recorded. */
    private Map<Metric, List<Double>> lookUp(VerifiedIdentity identity) {
        try (var scope = metrics.open()) {
            try {
                store.candidates(identity);
            } catch (VendingFailure expected) {
                // The failure itself is the dynalite test's subject; here only what was recorded.
            }
            return scope.recorded();
        }
    }

    @Test
    void candidatesWhenNothingCachedThenMissAndTheQueryDuration() {
        Map<Metric, List<Double>> recorded = lookUp(githubIdentity(owner, "123"));

        assertThat(recorded).containsOnlyKeys(Metric.POLICY_CACHE_MISS,
                Metric.POLICY_STORE_LATENCY);
        assertThat(recorded.get(Metric.POLICY_CACHE_MISS)).containsExactly(1.0);
        assertThat(recorded.get(Metric.POLICY_STORE_LATENCY)).singleElement()
                .satisfies(ms -> assertThat(ms).isPositive());
    }

    @Test
    void candidatesWhenAFreshCopyIsCachedThenHitWithoutAQuery() {
        lookUp(githubIdentity(owner, "123"));
        int calls = outage.calls();
        clock.advance(DynamoDbPolicyStore.FRESH.minusSeconds(1));

        Map<Metric, List<Double>> recorded = lookUp(githubIdentity(owner, "123"));

        assertThat(recorded).containsExactly(Map.entry(Metric.POLICY_CACHE_HIT, List.of(1.0)));
        assertThat(outage.calls()).isEqualTo(calls);
    }

    @Test
    void candidatesWhenThrottledAndAStaleCopyAnswersThenMissStaleAndTheFailedQueryDuration() {
        lookUp(githubIdentity(owner, "123"));
        outage.set(Mode.THROTTLED);
        clock.advance(DynamoDbPolicyStore.FRESH.plusSeconds(1));

        Map<Metric, List<Double>> recorded = lookUp(githubIdentity(owner, "123"));

        assertThat(recorded).containsOnlyKeys(Metric.POLICY_CACHE_MISS,
                Metric.POLICY_CACHE_STALE, Metric.POLICY_STORE_LATENCY);
        assertThat(recorded.get(Metric.POLICY_CACHE_STALE)).containsExactly(1.0);
    }

    @Test
    void candidatesWhenThrottledWithoutACopyThenMissWithoutStaleAndTheLookupFails() {
        outage.set(Mode.THROTTLED);

        try (var scope = metrics.open()) {
            Throwable thrown = catchThrowable(() -> store.candidates(githubIdentity(owner, "123")));

            assertThat(thrown).isInstanceOf(VendingFailure.class);
            assertThat(scope.recorded()).containsOnlyKeys(Metric.POLICY_CACHE_MISS,
                    Metric.POLICY_STORE_LATENCY);
        }
    }

    @Test
    void candidatesWhenTheIdentityHasNoPartitionThenNothingIsRecorded() {
        VerifiedIdentity unknownIssuer = PolicyStoreFixtures.identity("not-registered",
                "https://unknown.example.test", "x", Map.of("sub", new AttributeValue.Str("x")));

        assertThat(lookUp(unknownIssuer)).isEmpty();
    }
}
