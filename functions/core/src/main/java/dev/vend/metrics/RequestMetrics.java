// SPDX-License-Identifier: Apache-2.0
package dev.vend.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of the requests in progress, one scope per thread. A request's entry point
 * {@linkplain #open() opens} a scope on the thread that handles it; the components record into
 * it through this object, their {@link Metrics}; whoever writes the request's metric line reads
 * {@link #recorded()} before the scope closes. A scope belongs to the thread that opened it, so
 * two requests never share one, whether Lambda runs them one after another on one thread or the
 * local server runs them side by side on a pool. Values recorded on a thread without an open
 * scope (start-up, SnapStart priming) are dropped.
 *
 * <p>Counts add up within a request; durations keep each value, at most {@value #MAX_VALUES} per
 * metric (the most one Embedded Metric Format member may hold), so a percentile sees every call.
 * Negative, infinite and NaN values are dropped, never thrown.
 *
 * <p><strong>Limitation:</strong> a component that hands work to another thread records nothing
 * from that thread into the request's scope. Every dependency call Vend makes today runs on the
 * request's own thread.
 *
 * <p>Thread-safe: each thread sees only its own scope.
 */
public final class RequestMetrics implements Metrics {

    /** The most values one duration metric keeps per request. */
    public static final int MAX_VALUES = 100;

    private final ThreadLocal<@Nullable Scope> current = new ThreadLocal<>();

    /**
     * Opens the scope of the request this thread starts handling. Close it on the same thread,
     * in a try-with-resources block; a scope opened inside another restores the outer on close,
     * unless the outer was closed first, and then the nearest scope still open, or none.
     */
    public Scope open() {
        Scope scope = new Scope(open(current.get()));
        current.set(scope);
        return scope;
    }

    @Override
    public void add(Metric metric, double value) {
        Scope scope = open(current.get());
        if (scope != null) {
            scope.add(metric, value);
        }
    }

    /**
     * What the request this thread handles has recorded so far, in {@link Metric} order; empty
     * on a thread without an open scope. Metrics the request did not record are absent.
     */
    public Map<Metric, List<Double>> recorded() {
        Scope scope = open(current.get());
        return scope == null ? Map.of() : scope.recorded();
    }

    /**
     * The nearest scope still open, starting at {@code scope} and going outwards. Scopes closed
     * out of order can leave a closed one current, or as the outer of another; a closed scope
     * belongs to a request that has ended, so it never answers for the thread.
     */
    private static @Nullable Scope open(@Nullable Scope scope) {
        Scope open = scope;
        while (open != null && open.closed) {
            open = open.outer;
        }
        return open;
    }

    /** One request's recorded values. Confined to the thread that opened it. */
    public final class Scope implements AutoCloseable {

        private final @Nullable Scope outer;
        private final Map<Metric, List<Double>> values = new EnumMap<>(Metric.class);
        private boolean closed;

        private Scope(@Nullable Scope outer) {
            this.outer = outer;
        }

        private void add(Metric metric, double value) {
            if (closed || !Double.isFinite(value) || value < 0) {
                return;
            }
            List<Double> list = values.computeIfAbsent(metric, unused -> new ArrayList<>());
            if (metric.unit() == Metric.Unit.COUNT && !list.isEmpty()) {
                list.set(0, list.get(0) + value);
            } else if (list.size() < MAX_VALUES) {
                list.add(value);
            }
        }

        /** The values recorded in this scope, in {@link Metric} order; a copy. */
        public Map<Metric, List<Double>> recorded() {
            var copy = new EnumMap<Metric, List<Double>>(Metric.class);
            values.forEach((metric, list) -> copy.put(metric, List.copyOf(list)));
            return Collections.unmodifiableMap(copy);
        }

        /**
         * Ends the scope. The thread's current scope is then the nearest one still open, or none:
         * an outer scope closed before this one is never current again.
         */
        @Override
        public void close() {
            closed = true;
            Scope next = open(current.get());
            if (next == null) {
                current.remove();
            } else {
                current.set(next);
            }
        }
    }
}
