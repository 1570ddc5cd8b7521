// SPDX-License-Identifier: Apache-2.0
package dev.vend.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RequestMetricsTest {

    private final RequestMetrics metrics = new RequestMetrics();

    @Test
    void addWhenNoScopeIsOpenThenTheValueIsDropped() {
        metrics.add(Metric.KMS_LATENCY, 5);
        metrics.count(Metric.POLICY_CACHE_HIT);

        try (var scope = metrics.open()) {
            assertThat(scope.recorded()).isEmpty();
            assertThat(metrics.recorded()).isEmpty();
        }
    }

    @Test
    void addWhenScopeIsOpenThenCountsAddUpAndDurationsKeepEachValue() {
        try (var scope = metrics.open()) {
            metrics.count(Metric.JWKS_CACHE_MISS);
            metrics.count(Metric.JWKS_CACHE_MISS);
            metrics.add(Metric.SINGLE_USE_STORE_LATENCY, 3.5);
            metrics.add(Metric.SINGLE_USE_STORE_LATENCY, 4);

            assertThat(metrics.recorded()).containsExactly(
                    Map.entry(Metric.SINGLE_USE_STORE_LATENCY, List.of(3.5, 4.0)),
                    Map.entry(Metric.JWKS_CACHE_MISS, List.of(2.0)));
            assertThat(scope.recorded()).isEqualTo(metrics.recorded());
        }
    }

    @Test
    void recordedWhenAMetricDidNotHappenThenItIsAbsentNotZero() {
        try (var scope = metrics.open()) {
            metrics.add(Metric.KMS_LATENCY, 7);

            assertThat(metrics.recorded()).containsOnlyKeys(Metric.KMS_LATENCY);
        }
    }

    @Test
    void closeWhenScopeEndsThenLaterValuesAreDroppedAndTheThreadHasNoScope() {
        var scope = metrics.open();
        metrics.add(Metric.KMS_LATENCY, 1);
        scope.close();

        metrics.add(Metric.KMS_LATENCY, 2);

        assertThat(metrics.recorded()).isEmpty();
        assertThat(scope.recorded()).containsExactly(Map.entry(Metric.KMS_LATENCY, List.of(1.0)));
    }

    @Test
    void closeWhenScopeWasNestedThenTheOuterScopeIsCurrentAgain() {
        try (var outer = metrics.open()) {
            metrics.count(Metric.POLICY_CACHE_HIT);
            try (var inner = metrics.open()) {
                metrics.count(Metric.POLICY_CACHE_MISS);
                assertThat(inner.recorded()).containsOnlyKeys(Metric.POLICY_CACHE_MISS);
            }
            metrics.count(Metric.POLICY_CACHE_HIT);

            assertThat(outer.recorded()).containsExactly(
                    Map.entry(Metric.POLICY_CACHE_HIT, List.of(2.0)));
        }
    }

    @Test
    void closeWhenOuterClosedBeforeInnerThenNoClosedScopeIsEverCurrentAgain() {
        var outer = metrics.open();
        metrics.add(Metric.KMS_LATENCY, 1);
        var inner = metrics.open();

        outer.close();
        metrics.add(Metric.STS_LATENCY, 2);
        assertThat(metrics.recorded()).containsOnlyKeys(Metric.STS_LATENCY);
        inner.close();
        metrics.add(Metric.POLICY_STORE_LATENCY, 3);

        assertThat(metrics.recorded()).isEmpty();
        assertThat(outer.recorded()).containsOnlyKeys(Metric.KMS_LATENCY);
        assertThat(inner.recorded()).containsOnlyKeys(Metric.STS_LATENCY);
    }

    @Test
    void openWhenTheCurrentScopeWasClosedOutOfOrderThenTheNewScopeStartsEmpty() {
        var outer = metrics.open();
        var inner = metrics.open();
        metrics.count(Metric.JWKS_CACHE_HIT);
        outer.close();

        try (var next = metrics.open()) {
            inner.close();
            metrics.count(Metric.POLICY_CACHE_HIT);

            assertThat(metrics.recorded()).containsOnlyKeys(Metric.POLICY_CACHE_HIT);
            assertThat(next.recorded()).isEqualTo(metrics.recorded());
        }
        assertThat(metrics.recorded()).isEmpty();
    }

    @Test
    void addWhenMoreThanOneHundredDurationsThenKeepsTheFirstHundred() {
        try (var scope = metrics.open()) {
            for (int i = 0; i < 150; i++) {
                metrics.add(Metric.KMS_LATENCY, i);
            }

            assertThat(scope.recorded().get(Metric.KMS_LATENCY))
                    .hasSize(RequestMetrics.MAX_VALUES).startsWith(0.0).endsWith(99.0);
        }
    }

    @Test
    void addWhenValueIsNegativeInfiniteOrNaNThenDroppedWithoutThrowing() {
        try (var scope = metrics.open()) {
            metrics.add(Metric.KMS_LATENCY, -1);
            metrics.add(Metric.KMS_LATENCY, Double.NaN);
            metrics.add(Metric.KMS_LATENCY, Double.POSITIVE_INFINITY);

            assertThat(scope.recorded()).isEmpty();
        }
    }

    @Test
    void timeWhenTheCallThrowsThenItsDurationIsStillRecorded() {
        try (var scope = metrics.open()) {
            assertThatThrownBy(() -> metrics.time(Metric.STS_LATENCY, () -> {
                throw new IllegalStateException("dependency down");
            })).hasMessage("dependency down");
            String result = metrics.time(Metric.KMS_LATENCY, () -> "signed");

            assertThat(result).isEqualTo("signed");
            assertThat(scope.recorded()).containsOnlyKeys(Metric.KMS_LATENCY, Metric.STS_LATENCY);
            assertThat(scope.recorded().get(Metric.STS_LATENCY)).singleElement()
                    .satisfies(ms -> assertThat(ms).isGreaterThanOrEqualTo(0.0));
        }
    }

    @Test
    void timerWhenClosedThenRecordsTheMillisecondsTheBlockTook() throws Exception {
        try (var scope = metrics.open()) {
            try (Metrics.Timer timer = metrics.timer(Metric.JWKS_FETCH_LATENCY)) {
                Thread.sleep(20);
            }

            assertThat(scope.recorded().get(Metric.JWKS_FETCH_LATENCY)).singleElement()
                    .satisfies(ms -> assertThat(ms).isBetween(19.0, 10_000.0));
        }
    }

    /**
     * Requests on a pool: each task opens its scope, waits until every thread of the pool holds
     * one (so the scopes are open at the same time), records values only it uses, and must find
     * exactly those; after it closes, the next task on that thread starts with nothing.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void openWhenRequestsRunConcurrentlyOnAPoolThenTheirScopesNeverMix() throws Exception {
        int threads = 8;
        int rounds = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var barrier = new CyclicBarrier(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int task = 0; task < threads * rounds; task++) {
                int id = task;
                results.add(pool.submit(() -> request(id, barrier)));
            }
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private String request(int id, CyclicBarrier barrier) throws Exception {
        if (!metrics.recorded().isEmpty()) {
            return "task " + id + " started with another request's values";
        }
        try (var scope = metrics.open()) {
            metrics.add(Metric.KMS_LATENCY, id);
            barrier.await(20, TimeUnit.SECONDS);
            metrics.add(Metric.KMS_LATENCY, id);
            metrics.count(Metric.JWKS_CACHE_HIT);
            Map<Metric, List<Double>> expected = Map.of(
                    Metric.KMS_LATENCY, List.of((double) id, (double) id),
                    Metric.JWKS_CACHE_HIT, List.of(1.0));
            return scope.recorded().equals(expected) ? "ok"
                    : "task " + id + " saw " + scope.recorded();
        }
    }
}
