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

class RenewableTest {

    private final AtomicInteger made = new AtomicInteger();
    private final Renewable<Object[]> renewable =
            new Renewable<>("counter", () -> new Object[] {made.incrementAndGet()});

    @Test
    void getWhenNeverCalledThenNothingMadeOrHeld() {
        assertThat(made).hasValue(0);
        assertThat(renewable.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
    }

    @Test
    void getWhenCalledTwiceThenOneValueHeld() {
        Object[] first = renewable.get();

        assertThat(renewable.get()).isSameAs(first);
        assertThat(made).hasValue(1);
        assertThat(renewable.restoreState()).isEqualTo("counter held");
    }

    @Test
    void afterRestoreWhenAValueWasHeldThenForgottenAndTheNextGetMakesAnother() {
        Object[] beforeSnapshot = renewable.get();

        renewable.afterRestore();

        assertThat(renewable.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
        assertThat(renewable.get()).isNotSameAs(beforeSnapshot).containsExactly(2);
    }

    @Test
    void getWhenCalledConcurrentlyThenMadeOnceAndSharedByAll() throws Exception {
        var start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return renewable.get();
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
        var failingOnce = new Renewable<>("client", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("trust store unreadable");
            }
            return "made";
        });

        assertThatThrownBy(failingOnce::get).hasMessage("trust store unreadable");
        assertThat(failingOnce.get()).isEqualTo("made");
    }
}
