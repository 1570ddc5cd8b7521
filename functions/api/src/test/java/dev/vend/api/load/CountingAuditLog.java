// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.load;

import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serialises each audit event exactly as {@link JsonAuditLog} does, then counts it by decision
 * instead of writing it, so a load test can compare events with requests without a console full
 * of lines. Thread-safe.
 */
final class CountingAuditLog implements AuditLog {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong allowed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void record(AuditEvent event) {
        String line = JsonAuditLog.toJson(event);
        bytes.addAndGet(line.length());
        if ("allow".equals(event.decision())) {
            allowed.incrementAndGet();
        }
        events.incrementAndGet();
    }

    long events() {
        return events.get();
    }

    long allowed() {
        return allowed.get();
    }

    long bytes() {
        return bytes.get();
    }
}
