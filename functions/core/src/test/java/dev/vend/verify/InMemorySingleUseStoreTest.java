// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemorySingleUseStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemorySingleUseStore store = new InMemorySingleUseStore();

    @Test
    void consumeWhenValueUsedAgainBeforeExpiryThenRefused() {
        assertThat(store.consume("jti:gh:1", NOW.plusSeconds(60), NOW)).isTrue();
        assertThat(store.consume("jti:gh:1", NOW.plusSeconds(60), NOW.plusSeconds(59))).isFalse();
        assertThat(store.consume("jti:gh:1", NOW.plusSeconds(600), NOW.plusSeconds(60)))
                .as("still consumed at its expiry instant").isFalse();
    }

    @Test
    void consumeWhenOtherKeyThenIndependent() {
        assertThat(store.consume("jti:gh:1", NOW.plusSeconds(60), NOW)).isTrue();
        assertThat(store.consume("jti:gl:1", NOW.plusSeconds(60), NOW)).isTrue();
    }

    @Test
    void consumeWhenValueExpiredThenForgotten() {
        store.consume("jti:gh:1", NOW.plusSeconds(60), NOW);

        assertThat(store.consume("jti:gh:1", NOW.plusSeconds(200), NOW.plusSeconds(61))).isTrue();
    }

    @Test
    void consumeWhenManyThreadsRaceForOneValueThenExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.consume("jti:gh:race", NOW.plusSeconds(60), NOW);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
