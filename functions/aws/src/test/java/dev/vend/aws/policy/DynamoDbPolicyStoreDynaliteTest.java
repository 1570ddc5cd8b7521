// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static dev.vend.aws.policy.PolicyStoreFixtures.githubIdentity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ch.qos.logback.classic.Level;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.policy.DynamoDbOutage.Mode;
import dev.vend.policy.Decision;
import dev.vend.policy.PolicyEngine;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * {@link DynamoDbPolicyStore} against dynalite, which runs everywhere, plus what dynalite can not
 * do by itself: throttling, timeouts, server and access errors, clock skew and missing
 * credentials, injected by {@link DynamoDbOutage} (field case BUG-28 D). A stale copy answers
 * only for throttling and timeouts (ADR 0011); the network's own faults (reset, refused, silent)
 * are in {@link DynamoDbPolicyStoreNetworkTest}.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbPolicyStoreDynaliteTest extends DynamoDbPolicyStoreContract {

    private static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create(
            Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY);

    private static URI endpoint;
    private static DynamoDbClient client;
    private static String tableName;

    private final DynamoDbOutage outage = new DynamoDbOutage();
    private DynamoDbClient failingClient;

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        endpoint = dynalite.endpoint();
        client = dynaliteClient(endpoint).build();
        tableName = Dynalite.uniqueTableName("policies");
        PolicyTables.create(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        PolicyTables.delete(client, tableName);
        client.close();
    }

    @BeforeEach
    void buildFailingClient() {
        // No retries: each lookup is one attempt, so the outage decides it at once.
        failingClient = dynaliteClient(endpoint)
                .credentialsProvider(outage.credentials(CREDENTIALS))
                .overrideConfiguration(DynamoDbClients.overrideConfiguration()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(outage)
                        .build())
                .build();
    }

    @AfterEach
    void closeFailingClient() {
        failingClient.close();
    }

    static DynamoDbClientBuilder dynaliteClient(URI endpoint) {
        return DynamoDbClients.builder(endpoint)
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS));
    }

    @Override
    DynamoDbClient client() {
        return client;
    }

    @Override
    String tableName() {
        return tableName;
    }

    private DynamoDbPolicyStore outageStore() {
        return new DynamoDbPolicyStore(failingClient, tableName, compiler, clock);
    }

    private VendingFailure failsWith(DynamoDbPolicyStore store, FailureKind kind) {
        var failure = assertFails(() -> store.candidates(githubIdentity(owner, "123")), kind);
        assertNeverShows(failure, DynamoDbOutage.AWS_MESSAGE);
        assertNeverShows(failure, "123456789012");
        return failure;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = {"THROTTLED", "THROTTLED_ON_DEMAND", "TIMEOUT",
        "INTERNAL_ERROR", "CLOCK_SKEW", "NO_CREDENTIALS"})
    void candidatesWhenColdCacheAndOutageThenTransientFailure(Mode mode) {
        put(githubPolicy("gh-deploy"));
        outage.set(mode);

        var failure = failsWith(outageStore(), FailureKind.TRANSIENT);

        assertThat(failure.getMessage()).startsWith("DynamoDB Query (policies) failed: ");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = {"THROTTLED", "THROTTLED_ON_DEMAND", "TIMEOUT"})
    void evaluateWhenWarmCacheYoungerThanFiveMinutesAndThrottledOrTimedOutThenTheCopyDecides(
            Mode mode) {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        assertAllowedBy(evaluate(store), "gh-deploy");

        outage.set(mode);
        clock.advance(DynamoDbPolicyStore.MAX_STALE.minusSeconds(1));
        int callsBefore = outage.calls();
        Decision decision = evaluate(store);

        assertThat(outage.calls()).as("the store asked DynamoDB again").isGreaterThan(callsBefore);
        assertAllowedBy(decision, "gh-deploy");
        assertThat(logs.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).startsWith(DynamoDbPolicyStore.STALE_EVENT)
                    .doesNotContain(DynamoDbOutage.AWS_MESSAGE);
        });
    }

    // Regression: every transient failure (a 5xx, clock skew, missing credentials) let a copy up
    // to 5 minutes old decide, where DESIGN allows it only for throttling and timeouts.
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = {"INTERNAL_ERROR", "CLOCK_SKEW", "NO_CREDENTIALS"})
    void candidatesWhenWarmCacheAndAnyOtherTransientFailureThenTransientWithoutTheCopy(Mode mode) {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        assertAllowedBy(evaluate(store), "gh-deploy");

        outage.set(mode);
        clock.advance(DynamoDbPolicyStore.FRESH);

        failsWith(store, FailureKind.TRANSIENT);
        assertThat(logs.list).noneSatisfy(event -> assertThat(event.getFormattedMessage())
                .startsWith(DynamoDbPolicyStore.STALE_EVENT));
    }

    // A transient failure that may not use the copy does not drop it either: only a permanent
    // one (access denied, no table) shows the table can no longer be read as it was.
    @Test
    void candidatesWhenServerErrorThenThrottledWithinFiveMinutesThenTheCopyDecides() {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        assertAllowedBy(evaluate(store), "gh-deploy");
        clock.advance(DynamoDbPolicyStore.FRESH);
        outage.set(Mode.INTERNAL_ERROR);
        failsWith(store, FailureKind.TRANSIENT);

        outage.set(Mode.THROTTLED);
        clock.advance(Duration.ofMinutes(1));

        assertAllowedBy(evaluate(store), "gh-deploy");
    }

    @Test
    void candidatesWhenCopyIsFiveMinutesOldAndThrottledThenTransientFailure() {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        assertAllowedBy(evaluate(store), "gh-deploy");

        outage.set(Mode.THROTTLED);
        clock.advance(DynamoDbPolicyStore.MAX_STALE);

        failsWith(store, FailureKind.TRANSIENT);
    }

    @Test
    void candidatesWhenFreshCopyThenNoQueryEvenDuringOutage() {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        store.candidates(githubIdentity(owner, "123"));
        int calls = outage.calls();

        outage.set(Mode.THROTTLED);
        clock.advance(DynamoDbPolicyStore.FRESH.minusSeconds(1));

        assertThat(store.candidates(githubIdentity(owner, "123"))).hasSize(1);
        assertThat(outage.calls()).isEqualTo(calls);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = {"ACCESS_DENIED", "NOT_FOUND"})
    void candidatesWhenAccessDeniedOrNotFoundThenPermanentAndNoStaleCopyAfterwards(Mode mode) {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        assertAllowedBy(evaluate(store), "gh-deploy");
        clock.advance(DynamoDbPolicyStore.FRESH);

        outage.set(mode);
        failsWith(store, FailureKind.PERMANENT);
        outage.set(Mode.THROTTLED);
        clock.advance(Duration.ofSeconds(1));

        failsWith(store, FailureKind.TRANSIENT);
    }

    @Test
    void candidatesWhenOutageEndsThenReadsTheTableAgain() {
        put(githubPolicy("gh-deploy"));
        var store = outageStore();
        outage.set(Mode.THROTTLED);
        failsWith(store, FailureKind.TRANSIENT);

        outage.set(Mode.NONE);

        assertAllowedBy(evaluate(store), "gh-deploy");
    }

    @Test
    void candidatesWhenTableMissingThenPermanentFailureWithoutTableName() {
        var missing = tableName + "-missing";
        var store = new DynamoDbPolicyStore(client, missing, compiler, clock);

        var failure = assertFails(() -> store.candidates(githubIdentity(owner, "123")),
                FailureKind.PERMANENT);

        assertThat(failure.getMessage()).contains("ResourceNotFoundException");
        assertNeverShows(failure, missing);
    }

    @Test
    void constructWhenTableNameBlankThenIllegalArgument() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DynamoDbPolicyStore(client, " ", compiler, clock));
    }

    @Test
    void evaluateWhenAuditModePolicyMatchesInTheTableThenNothingIssuesAndItIsRecorded() {
        put(PolicyStoreFixtures.github("gh-audit", owner, "123", "mode: audit\n"));

        Decision decision = new PolicyEngine(store()).evaluate(githubIdentity(owner, "123"),
                PolicyStoreFixtures.request());

        assertDenied(decision, dev.vend.verify.DenialReason.AUDIT_MODE_ONLY);
        assertThat(decision.outcomes()).singleElement().satisfies(outcome -> {
            assertThat(outcome.policyId()).isEqualTo("gh-audit");
            assertThat(outcome.matched()).isTrue();
            assertThat(outcome.entitles()).isTrue();
        });
    }

    private String githubPolicy(String id) {
        return PolicyStoreFixtures.github(id, owner, "123", "");
    }
}
