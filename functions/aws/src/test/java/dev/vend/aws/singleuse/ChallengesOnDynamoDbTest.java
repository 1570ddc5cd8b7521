// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.challenge.Challenges;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Challenges on the DynamoDB single-use store (through dynalite), as Lambda runs them: issued and
 * consumed with conditional writes only, expiry checked in the write, one use each.
 */
@ExtendWith(DynaliteExtension.class)
class ChallengesOnDynamoDbTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00.250Z");

    private static DynamoDbClient client;
    private static DynamoDbSingleUseStore store;
    private static String tableName;

    @BeforeAll
    static void createTable(Dynalite dynalite) {
        client = DynamoDbSingleUseStoreDynaliteTest.dynaliteClient(dynalite.endpoint()).build();
        tableName = Dynalite.uniqueTableName("challenges");
        SingleUseTables.create(client, tableName);
        store = new DynamoDbSingleUseStore(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        SingleUseTables.delete(client, tableName);
        client.close();
    }

    @Test
    void consumeWhenIssuedThenAcceptedOnceAndReplayRefused() {
        String value = at(T0).issue().value();

        at(T0.plusSeconds(60)).consume(value, null);

        assertRefused(() -> at(T0.plusSeconds(61)).consume(value, null), DenialReason.REPLAYED);
    }

    @Test
    void consumeWhenAnotherInstanceIssuedThenStillAcceptedOnce() {
        // Two Lambda instances share the table: one hands out, the other consumes.
        String value = at(T0).issue().value();

        at(T0.plusSeconds(1)).consume(value, null);
        assertRefused(() -> at(T0.plusSeconds(2)).consume(value, null), DenialReason.REPLAYED);
    }

    @Test
    void consumeWhenExpiredThenRefusedExpired() {
        String value = at(T0).issue().value();

        assertRefused(() -> at(T0.plusSeconds(303)).consume(value, null), DenialReason.EXPIRED);
    }

    @Test
    void consumeWhenNeverIssuedThenRefusedExpiredEveryTime() {
        String value = "n".repeat(32);

        assertRefused(() -> at(T0).consume(value, null), DenialReason.EXPIRED);
        assertRefused(() -> at(T0.plusSeconds(5)).consume(value, null), DenialReason.EXPIRED);
    }

    private static Challenges at(Instant instant) {
        return new Challenges(store, Clock.fixed(instant, ZoneOffset.UTC));
    }

    private static void assertRefused(ThrowingCallable call, DenialReason reason) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(DenialException.class);
        assertThat(((DenialException) thrown).reason()).isEqualTo(reason);
    }
}
