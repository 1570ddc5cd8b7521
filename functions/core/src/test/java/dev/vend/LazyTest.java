// SPDX-License-Identifier: Apache-2.0
package dev.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {

    @Test
    void getWhenNeverCalledThenNothingMade() {
        var made = new AtomicInteger();

        new Lazy<>(() -> made.incrementAndGet());

        assertThat(made).hasValue(0);
    }

    @Test
    void getWhenCalledConcurrentlyThenMadeOnceAndSharedByAll() throws Exception {
        var made = new AtomicInteger();
        var lazy = new Lazy<>(() -> new Object[] {made.incrementAndGet()});
        var start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return lazy.get();
                }));
            }
            start.countDown();
            Object[] first = results.get(0).get();
            for (Future<Object[]> result : results) {
                assertThat(result.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(made).hasValue(1);
    }

    @Test
    void getWhenMakingFailsThenNothingKeptAndNextCallTriesAgain() {
        var calls = new AtomicInteger();
        var lazy = new Lazy<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("trust store unreadable");
            }
            return "made";
        });

        assertThatThrownBy(lazy::get).hasMessage("trust store unreadable");
        assertThat(lazy.get()).isEqualTo("made");
        assertThat(calls).hasValue(2);
    }

    @Test
    void getWhenMakerReturnsNullThenRefused() {
        var lazy = new Lazy<>(() -> null);

        assertThatThrownBy(lazy::get).isInstanceOf(NullPointerException.class);
    }
}
