// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

/** Where audit records go. Implementations are thread-safe and must not throw. */
public interface AuditLog {

    /** Records one event. */
    void record(AuditEvent event);

    /** A log that discards everything: SnapStart priming only. */
    static AuditLog discarding() {
        return event -> { };
    }
}
