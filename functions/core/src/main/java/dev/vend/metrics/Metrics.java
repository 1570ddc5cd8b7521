// SPDX-License-Identifier: Apache-2.0
package dev.vend.metrics;

import java.util.function.Supplier;

/**
 * Where a component records what it did for the request in progress: a dependency call's
 * duration, a cache outcome. The component does not know how the values are published, or
 * whether they are; {@link #none()} drops them, which is what local mode and tests get unless
 * they ask for more. Implementations are thread-safe and never throw.
 */
public interface Metrics {

    /**
     * Adds one value of {@code metric} to the request in progress, in the metric's unit. Outside
     * a request the value is dropped.
     */
    void add(Metric metric, double value);

    /** Adds one to a count metric. */
    default void count(Metric metric) {
        add(metric, 1);
    }

    /**
     * Starts timing a dependency call; closing the timer adds the milliseconds since this call
     * to {@code metric}. Use it in a try-with-resources block around the call, so a call that
     * throws is measured too.
     */
    default Timer timer(Metric metric) {
        long started = System.nanoTime();
        // Milliseconds to the microsecond: finer digits are noise in a network call.
        return () -> add(metric, Math.round((System.nanoTime() - started) / 1_000.0) / 1_000.0);
    }

    /** Runs {@code call} and adds its duration to {@code metric}, whether it returns or throws. */
    default <T> T time(Metric metric, Supplier<T> call) {
        try (Timer timer = timer(metric)) {
            return call.get();
        }
    }

    /** Metrics that drop every value. */
    static Metrics none() {
        return (metric, value) -> { };
    }

    /** A running measurement of one dependency call. */
    @FunctionalInterface
    interface Timer extends AutoCloseable {

        /** Records the time elapsed since the timer started. */
        @Override
        void close();
    }
}
