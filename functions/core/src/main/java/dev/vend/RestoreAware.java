// SPDX-License-Identifier: Apache-2.0
package dev.vend;

/**
 * A component that holds state a snapshot would freeze: an instant read from the clock, a
 * fetched-at time, resolved credentials, open connections, a seeded random generator, or a
 * decision taken against "now". Under AWS Lambda SnapStart one snapshot is restored into many
 * execution environments, minutes to days after it was taken, so each such component drops that
 * state in {@link #afterRestore()} and rebuilds it on next use.
 *
 * <p>What may be kept across a restore (field case BUG-26): configuration, and public keys of
 * configured signing key ARNs and static JWKS files. What may not: credentials, connections,
 * clocks and times, remote JWKS freshness, and key-state decisions.
 *
 * <p>Implementations are thread-safe: {@link #afterRestore()} may run while no request is in
 * flight only, but {@link #restoreState()} may be read at any time.
 */
public interface RestoreAware {

    /** What {@link #restoreState()} answers when nothing captured is held. */
    String NOTHING_CAPTURED = "none";

    /**
     * Drops everything captured before the snapshot; the next use starts afresh. Called once per
     * restore, before the first request. Must not fail for a missing network: anything that
     * needs the network happens on next use.
     */
    void afterRestore();

    /**
     * A one-line description of the restore-sensitive state held now, for tests and operators:
     * the names and instants it captured ({@code fetched_at=2026-12-03T17:00:00Z}), never a
     * secret; {@value #NOTHING_CAPTURED} when nothing is held.
     */
    String restoreState();
}
