// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.vend.aws.policy.PolicyTableSync.Action;
import dev.vend.aws.policy.PolicyTableSync.Change;
import dev.vend.aws.policy.PolicyTableSync.Source;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@link PolicyTableSync} against dynalite; each test has its own table. */
@ExtendWith(DynaliteExtension.class)
class PolicyTableSyncDynaliteTest {

    private final PolicyCompiler compiler = PolicyStoreFixtures.compiler();
    private DynamoDbClient client;
    private String tableName;
    private PolicyTableSync sync;

    @BeforeEach
    void createTable(Dynalite dynalite) {
        client = DynamoDbPolicyStoreDynaliteTest.dynaliteClient(dynalite.endpoint()).build();
        tableName = Dynalite.uniqueTableName("policy-sync");
        PolicyTables.create(client, tableName);
        sync = new PolicyTableSync(client, tableName);
    }

    @AfterEach
    void deleteTable() {
        PolicyTables.delete(client, tableName);
        client.close();
    }

    private Source source(String yaml) {
        Map<String, Object> document = PolicyStoreFixtures.parse(yaml);
        Policy policy = compiler.compile(document, "test");
        return new Source(policy, document);
    }

    private List<Change> syncAll(List<Source> sources) {
        List<Change> changes = sync.plan(sources, compiler);
        sync.apply(changes, sources, compiler);
        return changes;
    }

    private Set<String> keysInTable() {
        return client.scan(scan -> scan.tableName(tableName).consistentRead(true)).items().stream()
                .map(item -> item.get("pk").s() + " " + item.get("sk").s())
                .collect(Collectors.toSet());
    }

    @Test
    void planWhenTableEmptyThenPutsEveryPolicyInEveryPartitionAndWritesNothing() {
        var sources = List.of(
                source(PolicyStoreFixtures.github("gh-a", "1001", "123", "").replace(
                        "repository_owner_id: \"1001\"",
                        "repository_owner_id:\n    anyOf: [\"1001\", \"1002\"]")),
                source(PolicyStoreFixtures.cluster("c-a")));

        List<Change> changes = sync.plan(sources, compiler);

        assertThat(changes).extracting(Change::describe).allSatisfy(line ->
                assertThat(line).startsWith("put ").contains("(new, version "));
        assertThat(changes).extracting(c -> c.partitionKey() + " " + c.policyId())
                .containsExactly("cluster-a c-a", "github-actions#1001 gh-a",
                        "github-actions#1002 gh-a");
        assertThat(keysInTable()).isEmpty();
    }

    @Test
    void applyWhenPlannedThenTableHoldsTheItemsTheStoreReads() {
        var gh = source(PolicyStoreFixtures.github("gh-a", "1001", "123", ""));
        syncAll(List.of(gh));

        var item = client.getItem(get -> get.tableName(tableName).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("github-actions#1001"),
                "sk", AttributeValue.fromS("gh-a")))).item();
        assertThat(item.keySet()).isEqualTo(PolicyTableLayout.ATTRIBUTES);
        assertThat(item.get("version").s()).isEqualTo(gh.policy().version());
        assertThat(item.get("document").s())
                .isEqualTo(PolicyCompiler.canonicalJson(gh.document()));
        var store = new DynamoDbPolicyStore(client, tableName, compiler,
                new TestClock(PolicyStoreFixtures.T0));
        assertThat(store.candidates(PolicyStoreFixtures.githubIdentity("1001", "123")))
                .extracting(Policy::version).containsExactly(gh.policy().version());
    }

    @Test
    void planWhenInSyncThenNoChanges() {
        var sources = List.of(source(PolicyStoreFixtures.github("gh-a", "1001", "123", "")));
        syncAll(sources);

        assertThat(sync.plan(sources, compiler)).isEmpty();
    }

    @Test
    void planWhenPolicyRemovedFromFolderThenDeletesItsItems() {
        syncAll(List.of(source(PolicyStoreFixtures.github("gh-a", "1001", "123", "")),
                source(PolicyStoreFixtures.cluster("c-a"))));

        var changes = syncAll(List.of(source(PolicyStoreFixtures.cluster("c-a"))));

        assertThat(changes).extracting(Change::describe).singleElement().asString()
                .startsWith("delete github-actions#1001 gh-a (version ");
        assertThat(keysInTable()).containsExactly("cluster-a c-a");
    }

    @Test
    void planWhenPolicyChangedThenPutsItWithOldAndNewVersion() {
        var before = source(PolicyStoreFixtures.github("gh-a", "1001", "123", ""));
        syncAll(List.of(before));
        var after = source(PolicyStoreFixtures.github("gh-a", "1001", "123", "disabled: true\n"));

        var changes = sync.plan(List.of(after), compiler);

        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.action()).isEqualTo(Action.PUT);
            assertThat(change.oldVersion()).isEqualTo(before.policy().version());
            assertThat(change.newVersion()).isEqualTo(after.policy().version());
        });
    }

    @Test
    void planWhenPolicyMovesToAnotherOwnerThenDeletesTheOldPartitionFirst() {
        syncAll(List.of(source(PolicyStoreFixtures.github("gh-a", "1001", "123", ""))));

        var changes = syncAll(List.of(source(PolicyStoreFixtures.github("gh-a", "1002", "123",
                ""))));

        assertThat(changes).extracting(Change::action).containsExactly(Action.DELETE, Action.PUT);
        assertThat(keysInTable()).containsExactly("github-actions#1002 gh-a");
    }

    @Test
    void planWhenPolicyDoesNotPinThePartitionClaimThenRefused() {
        var unplaceable = source(PolicyStoreFixtures.github("gh-a", "1001", "123", "")
                .replace("  repository_owner_id: \"1001\"\n", ""));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> sync.plan(List.of(unplaceable), compiler))
                .withMessageContaining("must pin repository_owner_id");
    }

    @Test
    void planWhenTableHoldsForeignItemsThenDeletesThem() {
        client.putItem(put -> put.tableName(tableName).item(Map.of(
                "pk", AttributeValue.fromS("github-actions#1001"),
                "sk", AttributeValue.fromS("hand-made"),
                "allow_all", AttributeValue.fromBool(true))));

        var changes = syncAll(List.of());

        assertThat(changes).extracting(Change::action).containsExactly(Action.DELETE);
        assertThat(keysInTable()).isEmpty();
    }
}
