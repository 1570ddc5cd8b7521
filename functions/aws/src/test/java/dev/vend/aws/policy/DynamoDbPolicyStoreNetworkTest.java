// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.policy.PolicyStoreFixtures.T0;
import static dev.vend.aws.policy.PolicyStoreFixtures.githubIdentity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.policy.PolicyTableSync.Source;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.testsupport.Fault;
import dev.vend.testsupport.FaultProxy;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Which failures of the network and of DynamoDB's answers let a cached copy decide (ADR 0011),
 * with the client Vend builds (its timeouts and retries) reaching dynalite through a
 * {@link FaultProxy}, so the SDK meets real sockets and real error bodies: a throttled or timed
 * out query, or an endpoint that refuses connections, is answered from a copy up to 5 minutes
 * old; a connection reset after the request was sent, or a 5xx, is a 503 whatever is cached.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbPolicyStoreNetworkTest {

    private static DynamoDbClient setupClient;
    private static String tableName;

    private final PolicyCompiler compiler = PolicyStoreFixtures.compiler();
    private final TestClock clock = new TestClock(T0);
    /** This test's tenant: an owner id no other test uses. */
    private final String owner =
            Long.toString(Math.abs(UUID.randomUUID().getLeastSignificantBits()));
    private FaultProxy proxy;
    private DynamoDbClient client;
    private DynamoDbPolicyStore store;

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        setupClient = DynamoDbPolicyStoreDynaliteTest.dynaliteClient(dynalite.endpoint()).build();
        tableName = Dynalite.uniqueTableName("policies-network");
        PolicyTables.create(setupClient, tableName);
    }

    @AfterAll
    static void deleteTable() {
        PolicyTables.delete(setupClient, tableName);
        setupClient.close();
    }

    @BeforeEach
    void warmTheCacheThroughTheProxy(Dynalite dynalite) {
        proxy = FaultProxy.forHttp(dynalite.endpoint());
        var credentials = AwsBasicCredentials.create(Dynalite.ACCESS_KEY_ID,
                Dynalite.SECRET_ACCESS_KEY);
        client = DynamoDbClients.builder(proxy.endpoint())
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
        store = new DynamoDbPolicyStore(client, tableName, compiler, clock);
        put(PolicyStoreFixtures.github("gh-deploy", owner, "123", ""));

        assertThat(ids(store.candidates(identity()))).containsExactly("gh-deploy");
        clock.advance(DynamoDbPolicyStore.FRESH);
    }

    @AfterEach
    void closeClient() {
        client.close();
        proxy.close();
    }

    @Test
    void candidatesWhenThrottledThenTheCopyDecides() {
        proxy.inject("Query", Fault.dynamoDbThrottling("ThrottlingException"));

        assertThat(ids(store.candidates(identity()))).containsExactly("gh-deploy");
        assertThat(proxy.requests("Query")).isGreaterThan(1);
    }

    @Test
    void candidatesWhenNoAnswerWithinTheTimeoutThenTheCopyDecides() {
        proxy.inject("Query", Fault.delay(Duration.ofSeconds(30)));

        assertThat(ids(store.candidates(identity()))).containsExactly("gh-deploy");
    }

    // ADR 0011: an endpoint that can not be connected to counts as timed out.
    @Test
    void candidatesWhenEndpointRefusesConnectionsThenTheCopyDecides() {
        proxy.close();

        assertThat(ids(store.candidates(identity()))).containsExactly("gh-deploy");
    }

    // Regression: a reset connection let a copy up to 5 minutes old decide.
    @Test
    void candidatesWhenConnectionResetThenTransientWithoutTheCopy() {
        proxy.inject("Query", Fault.reset());

        VendingFailure failure = assertFails(() -> store.candidates(identity()),
                FailureKind.TRANSIENT);

        assertThat(failure.getMessage()).contains("SdkClientException");
    }

    // Regression: an InternalServerError let a copy up to 5 minutes old decide.
    @Test
    void candidatesWhenServerErrorThenTransientWithoutTheCopy() {
        proxy.inject("Query", Fault.dynamoDbError(500, "InternalServerError"));

        VendingFailure failure = assertFails(() -> store.candidates(identity()),
                FailureKind.TRANSIENT);

        assertThat(failure.getMessage()).contains("InternalServerError (HTTP 500)");
    }

    @Test
    void candidatesWhenAccessDeniedThenPermanentWithoutTheCopy() {
        proxy.inject("Query", Fault.dynamoDbError(400, "AccessDeniedException"));

        assertFails(() -> store.candidates(identity()), FailureKind.PERMANENT);
    }

    private VerifiedIdentity identity() {
        return githubIdentity(owner, "123");
    }

    private static List<String> ids(List<Policy> policies) {
        return policies.stream().map(Policy::id).toList();
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
}
