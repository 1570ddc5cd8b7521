// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An audit log that keeps each event's line exactly as {@link JsonAuditLog} would write it, so
 * tests count events and read them without routing thousands of lines to the console.
 * Thread-safe.
 */
final class RecordingAuditLog implements AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void record(AuditEvent event) {
        lines.add(JsonAuditLog.toJson(event));
        count.incrementAndGet();
    }

    /** How many events were recorded; constant time, unlike the queue's own size. */
    int size() {
        return count.get();
    }

    /** Every event recorded so far, parsed. */
    List<JsonNode> events() {
        return lines.stream().map(RecordingAuditLog::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
