// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.audit.JsonAuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures what Vend writes to its audit logger, {@link JsonAuditLog#LOGGER}: {@link #attach()}
 * before the requests, {@link #events()} to read the audit events as JSON, {@code list.clear()}
 * between requests, {@link #detach()} at the end.
 *
 * <p>Tests that send requests from several threads at once read and clear only their own
 * thread's events ({@link #eventsOfThisThread()}, {@link #clearThisThread()}): Vend records a
 * request's event on the thread that called the handler. Appending is synchronized on the
 * appender (logback's {@code AppenderBase}); these methods take the same lock.
 */
public final class AuditCapture extends ListAppender<ILoggingEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Starts capturing. */
    public void attach() {
        start();
        ((Logger) LoggerFactory.getLogger(JsonAuditLog.LOGGER)).addAppender(this);
    }

    /** Stops capturing. */
    public void detach() {
        ((Logger) LoggerFactory.getLogger(JsonAuditLog.LOGGER)).detachAppender(this);
        stop();
    }

    /** The audit events captured since the last {@code list.clear()}, oldest first. */
    public List<JsonNode> events() {
        return parsed(event -> true);
    }

    /** The audit events of requests handled on the calling thread, oldest first. */
    public List<JsonNode> eventsOfThisThread() {
        String thread = Thread.currentThread().getName();
        return parsed(event -> event.getThreadName().equals(thread));
    }

    /** Forgets the calling thread's events. */
    public synchronized void clearThisThread() {
        String thread = Thread.currentThread().getName();
        list.removeIf(event -> event.getThreadName().equals(thread));
    }

    private synchronized List<JsonNode> parsed(Predicate<ILoggingEvent> wanted) {
        return list.stream().filter(e -> e.getLoggerName().equals(JsonAuditLog.LOGGER))
                .filter(wanted).map(e -> {
                    try {
                        return JSON.readTree(e.getFormattedMessage());
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }).toList();
    }
}
