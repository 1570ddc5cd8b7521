// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

/** The state of a dependency's cache when the fault meets a request. */
enum CacheState {
    /** A new execution environment: nothing cached yet. */
    COLD("cold cache"),
    /** The dependency has no cache in front of it, so every request is a cold one. */
    NONE("cold (no cache)"),
    /** A copy older than the fresh period and younger than the stale limit. */
    WARM_WITHIN_STALE_LIMIT("warm cache within the stale limit"),
    /** A copy older than the stale limit. */
    WARM_PAST_STALE_LIMIT("warm cache past the stale limit");

    private final String label;

    CacheState(String label) {
        this.label = label;
    }

    /** Whether a successful request fills the cache before the fault. */
    boolean warm() {
        return this == WARM_WITHIN_STALE_LIMIT || this == WARM_PAST_STALE_LIMIT;
    }

    /**
     * Whether Vend may answer from the cache: only within the stale limit, and then only for
     * the faults the cache covers ({@link Dependency.FaultMode#staleCopyAnswers()}).
     */
    boolean answersFromCache() {
        return this == WARM_WITHIN_STALE_LIMIT;
    }

    @Override
    public String toString() {
        return label;
    }
}
