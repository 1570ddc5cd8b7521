// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static dev.vend.aws.policy.PolicyStoreFixtures.AUD;
import static dev.vend.aws.policy.PolicyStoreFixtures.OTHER_AUD;
import static dev.vend.aws.policy.PolicyStoreFixtures.T0;
import static dev.vend.aws.policy.PolicyStoreFixtures.cluster;
import static dev.vend.aws.policy.PolicyStoreFixtures.github;
import static dev.vend.aws.policy.PolicyStoreFixtures.githubIdentity;
import static dev.vend.aws.policy.PolicyStoreFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vend.RestoreAware;
import dev.vend.aws.policy.PolicyTableSync.Source;
import dev.vend.policy.Decision;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyEngine;
import dev.vend.verify.DenialReason;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What {@link DynamoDbPolicyStore} must do against any DynamoDB: subclasses run it against
 * dynalite and LocalStack. Each subclass owns one table; every test writes under its own fresh
 * owner id (its own partition), so tests share the table safely.
 */
abstract class DynamoDbPolicyStoreContract {

    final PolicyCompiler compiler = PolicyStoreFixtures.compiler();
    final TestClock clock = new TestClock(T0);
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    /** This test's tenant: an owner id no other test uses. */
    final String owner = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()));

    /** The shared client to the emulator. */
    abstract DynamoDbClient client();

    /** This class's table. */
    abstract String tableName();

    DynamoDbPolicyStore store() {
        return new DynamoDbPolicyStore(client(), tableName(), compiler, clock);
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        storeLogger().addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        storeLogger().detachAppender(logs);
        logs.stop();
    }

    static Logger storeLogger() {
        return (Logger) LoggerFactory.getLogger(DynamoDbPolicyStore.class);
    }

    /** Compiles and stores a policy in every partition it belongs to. */
    Policy put(String yaml) {
        Map<String, Object> document = PolicyStoreFixtures.parse(yaml);
        Policy policy = compiler.compile(document, "test");
        var issuer = compiler.issuers().byId(policy.issuerId()).orElseThrow();
        for (String pk : PolicyTableLayout.partitionKeys(policy, issuer)) {
            client().putItem(put -> put.tableName(tableName())
                    .item(PolicyTableSync.item(pk, new Source(policy, document))));
        }
        return policy;
    }

    /** Stores a raw item, as a hand edit or a buggy tool might. */
    void putRaw(Map<String, AttributeValue> item) {
        client().putItem(put -> put.tableName(tableName()).item(item));
    }

    void delete(String pk, String id) {
        client().deleteItem(delete -> delete.tableName(tableName()).key(Map.of(
                PolicyTableLayout.PARTITION_KEY, AttributeValue.fromS(pk),
                PolicyTableLayout.SORT_KEY, AttributeValue.fromS(id))));
    }

    String partition() {
        return "github-actions#" + owner;
    }

    Decision evaluate(DynamoDbPolicyStore store) {
        return new PolicyEngine(store).evaluate(githubIdentity(owner, "123"), request());
    }

    static void assertAllowedBy(Decision decision, String policyId) {
        assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class, allow ->
                assertThat(allow.entitlement().policyId()).isEqualTo(policyId));
    }

    static void assertDenied(Decision decision, DenialReason reason) {
        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny ->
                assertThat(deny.reason()).isEqualTo(reason));
    }

    @Test
    void candidatesWhenPolicyStoredThenReturnsItCompiledWithItsVersion() {
        Policy stored = put(github("gh-deploy", owner, "123", ""));

        List<Policy> candidates = store().candidates(githubIdentity(owner, "123"));

        assertThat(candidates).singleElement().satisfies(policy -> {
            assertThat(policy.id()).isEqualTo("gh-deploy");
            assertThat(policy.version()).isEqualTo(stored.version());
        });
    }

    @Test
    void candidatesWhenOtherTenantsHavePoliciesThenReadsOnlyItsOwnPartition() {
        String otherOwner = owner + "9";
        put(github("gh-mine", owner, "123", ""));
        put(github("gh-theirs", otherOwner, "456", ""));

        List<Policy> candidates = store().candidates(githubIdentity(owner, "123"));

        assertThat(candidates).extracting(Policy::id).containsExactly("gh-mine");
    }

    @Test
    void candidatesWhenPolicyPinsSeveralOwnersThenEachOwnerFindsIt() {
        String second = owner + "7";
        put(github("gh-two-owners", owner, "123", "").replace(
                "repository_owner_id: \"" + owner + "\"",
                "repository_owner_id:\n    anyOf: [\"" + owner + "\", \"" + second + "\"]"));

        assertThat(store().candidates(githubIdentity(owner, "123"))).hasSize(1);
        assertThat(store().candidates(githubIdentity(second, "123"))).hasSize(1);
    }

    @Test
    void candidatesWhenSingleTenantIssuerThenReadsTheIssuersPartition() {
        String id = "cluster-" + owner;
        put(cluster(id));

        var candidates = store().candidates(PolicyStoreFixtures.clusterIdentity());

        assertThat(candidates).extracting(Policy::id).contains(id);
    }

    @Test
    void candidatesWhenIdentityLacksThePartitionClaimThenNoneWithoutAQuery() {
        put(github("gh-deploy", owner, "123", ""));
        var identity = PolicyStoreFixtures.identity("github-actions", "iss", "x", Map.of(
                "repository_id", new dev.vend.model.AttributeValue.Str("123")));

        assertThat(store().candidates(identity)).isEmpty();
    }

    // BUG-28 A: no policy names the requested audience or scope, or none exists for the tenant.

    @Test
    void evaluateWhenAudienceNoPolicyEntitlesThenDeniesAudienceNotEntitled() {
        put(github("gh-deploy", owner, "123", ""));

        Decision decision = new PolicyEngine(store()).evaluate(githubIdentity(owner, "123"),
                request(List.of(OTHER_AUD), Set.of()));

        assertDenied(decision, DenialReason.AUDIENCE_NOT_ENTITLED);
    }

    @Test
    void evaluateWhenScopeNoPolicyEntitlesThenDeniesScopeNotEntitled() {
        put(github("gh-deploy", owner, "123", ""));

        Decision decision = new PolicyEngine(store()).evaluate(githubIdentity(owner, "123"),
                request(List.of(AUD), Set.of("admin")));

        assertDenied(decision, DenialReason.SCOPE_NOT_ENTITLED);
    }

    @Test
    void evaluateWhenTenantHasNoPolicyThenDeniesNoMatchingPolicy() {
        assertDenied(evaluate(store()), DenialReason.NO_MATCHING_POLICY);
    }

    // BUG-28 B: a deleted or tightened policy stops matching once the freshness window passed.

    @Test
    void evaluateWhenPolicyDeletedThenDeniedOnceThirtySecondsPassed() {
        put(github("gh-deploy", owner, "123", ""));
        var store = store();
        assertAllowedBy(evaluate(store), "gh-deploy");

        delete(partition(), "gh-deploy");
        clock.advance(Duration.ofSeconds(29));
        Decision withinWindow = evaluate(store);
        clock.advance(Duration.ofSeconds(1));
        Decision afterWindow = evaluate(store);

        assertAllowedBy(withinWindow, "gh-deploy");
        assertDenied(afterWindow, DenialReason.NO_MATCHING_POLICY);
    }

    @Test
    void evaluateWhenPolicyDeletedThenAFreshStoreDeniesAtOnce() {
        // Reads are strongly consistent: a store without a cached copy never sees the old item.
        put(github("gh-deploy", owner, "123", ""));
        assertAllowedBy(evaluate(store()), "gh-deploy");

        delete(partition(), "gh-deploy");

        assertDenied(evaluate(store()), DenialReason.NO_MATCHING_POLICY);
    }

    // BUG-26: a copy cached before a SnapStart snapshot never answers after the restore.

    @Test
    void afterRestoreWhenAPolicyWasCachedThenTheNextLookupQueriesTheTableAgain() {
        put(github("gh-deploy", owner, "123", ""));
        var store = store();
        assertAllowedBy(evaluate(store), "gh-deploy");
        assertThat(store.restoreState()).isEqualTo(
                "policy cache of 1 partition(s): oldest fetched_at=" + T0);

        delete(partition(), "gh-deploy");
        store.afterRestore();

        assertThat(store.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
        assertDenied(evaluate(store), DenialReason.NO_MATCHING_POLICY);
    }

    @Test
    void evaluateWhenPolicyTightenedThenDeniedOnceThirtySecondsPassed() {
        put(github("gh-deploy", owner, "123", ""));
        var store = store();
        assertAllowedBy(evaluate(store), "gh-deploy");

        put(github("gh-deploy", owner, "123", "").replace("refs/heads/main", "refs/heads/release"));
        clock.advance(DynamoDbPolicyStore.FRESH);

        assertDenied(evaluate(store), DenialReason.NO_MATCHING_POLICY);
    }

    @Test
    void evaluateWhenPolicyDisabledThenDeniedOnceThirtySecondsPassed() {
        put(github("gh-deploy", owner, "123", ""));
        var store = store();
        assertAllowedBy(evaluate(store), "gh-deploy");

        put(github("gh-deploy", owner, "123", "disabled: true\n"));
        clock.advance(DynamoDbPolicyStore.FRESH);

        assertDenied(evaluate(store), DenialReason.NO_MATCHING_POLICY);
    }

    // BUG-28 C: a malformed item is refused and reported; the rest still evaluate.

    static Stream<Arguments> malformedItems() {
        return Stream.of(
                Arguments.of("audiences missing", (Malformation) (good, pk) ->
                        withDocument(good, without(good, "issue.audiences"))),
                Arguments.of("audiences as a string", (Malformation) (good, pk) ->
                        withDocument(good, good.get("document").s().replace(
                                "[\"" + AUD + "\"]", "\"" + AUD + "\""))),
                Arguments.of("allow_all in the document", (Malformation) (good, pk) ->
                        withDocument(good, good.get("document").s().replaceFirst("\\{",
                                "{\"allow_all\":true,"))),
                Arguments.of("allow_all as an item attribute", (Malformation) (good, pk) ->
                        withAttribute(good, "allow_all", AttributeValue.fromBool(true))),
                Arguments.of("audiences as a DynamoDB attribute", (Malformation) (good, pk) ->
                        withAttribute(good, "audiences", AttributeValue.fromS(AUD))),
                Arguments.of("document not JSON", (Malformation) (good, pk) ->
                        withDocument(good, "{not json")),
                Arguments.of("document as a map", (Malformation) (good, pk) ->
                        withAttribute(good, "document", AttributeValue.fromM(Map.of()))),
                Arguments.of("no version", (Malformation) (good, pk) ->
                        without(good, "version", true)),
                Arguments.of("version of another document", (Malformation) (good, pk) ->
                        withAttribute(good, "version", AttributeValue.fromS("0".repeat(64)))),
                Arguments.of("sort key not the policy id", (Malformation) (good, pk) ->
                        withAttribute(good, "sk", AttributeValue.fromS("gh-renamed"))),
                Arguments.of("no conditions (BUG-02 P3)", (Malformation) (good, pk) ->
                        withDocument(good, without(good, "conditions"))));
    }

    /** Turns the good item of policy {@code gh-bad} into a malformed one. */
    interface Malformation {
        Map<String, AttributeValue> apply(Map<String, AttributeValue> good, String pk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedItems")
    void evaluateWhenOneItemMalformedThenItIsRefusedReportedAndTheRestStillEvaluate(
            String name, Malformation malformation) {
        put(github("gh-good", owner, "123", ""));
        Map<String, Object> document = PolicyStoreFixtures.parse(github("gh-bad", owner, "123",
                "priority: 10\n"));
        Policy bad = compiler.compile(document, "test");
        var good = PolicyTableSync.item(partition(), new Source(bad, document));
        putRaw(malformation.apply(good, partition()));

        Decision decision = evaluate(store());

        assertAllowedBy(decision, "gh-good");
        assertThat(decision.outcomes()).extracting(o -> o.policyId()).containsExactly("gh-good");
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage())
                    .startsWith(DynamoDbPolicyStore.REFUSED_EVENT)
                    .contains("policy_id=" + (name.startsWith("sort key") ? "gh-renamed"
                            : "gh-bad"))
                    .doesNotContain(AUD)
                    .doesNotContain(owner)
                    .doesNotContain("refs/heads");
        });
    }

    @Test
    void evaluateWhenOnlyAMalformedItemExistsThenDeniesNoMatchingPolicy() {
        Map<String, Object> document = PolicyStoreFixtures.parse(github("gh-bad", owner, "123",
                ""));
        Policy bad = compiler.compile(document, "test");
        putRaw(withAttribute(PolicyTableSync.item(partition(), new Source(bad, document)),
                "allow_all", AttributeValue.fromBool(true)));

        assertDenied(evaluate(store()), DenialReason.NO_MATCHING_POLICY);
    }

    @Test
    void evaluateWhenItemSitsInAPartitionItsPolicyDoesNotPinThenRefused() {
        // A policy for another owner copied into this owner's partition: never a candidate here.
        String other = owner + "1";
        Map<String, Object> document = PolicyStoreFixtures.parse(github("gh-moved", other, "123",
                ""));
        Policy moved = compiler.compile(document, "test");
        putRaw(PolicyTableSync.item(partition(), new Source(moved, document)));

        assertThat(store().candidates(githubIdentity(owner, "123"))).isEmpty();
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .asString().contains("item_in_a_partition_the_policy_does_not_pin");
    }

    private static Map<String, AttributeValue> withDocument(Map<String, AttributeValue> item,
            String document) {
        return withAttribute(item, "document", AttributeValue.fromS(document));
    }

    private static Map<String, AttributeValue> withAttribute(Map<String, AttributeValue> item,
            String name, AttributeValue value) {
        var out = new HashMap<>(item);
        out.put(name, value);
        return out;
    }

    private static Map<String, AttributeValue> without(Map<String, AttributeValue> item,
            String name, boolean attribute) {
        var out = new HashMap<>(item);
        out.remove(name);
        return out;
    }

    /** The item's document with one member (dot-separated path) removed, as JSON text. */
    @SuppressWarnings("unchecked")
    private static String without(Map<String, AttributeValue> item, String path) {
        Map<String, Object> document = new HashMap<>(PolicyStoreFixtures.parse(
                item.get("document").s()));
        String[] keys = path.split("\\.");
        Map<String, Object> parent = document;
        for (int i = 0; i < keys.length - 1; i++) {
            var copy = new HashMap<>((Map<String, Object>) parent.get(keys[i]));
            parent.put(keys[i], copy);
            parent = copy;
        }
        parent.remove(keys[keys.length - 1]);
        return PolicyCompiler.canonicalJson(document);
    }
}
