// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.MetricsAuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures what Vend logs: {@link #attach()} before the requests, {@link #events()} to read the
 * audit events of its audit logger, {@link JsonAuditLog#LOGGER}, as JSON, {@link #lines()} for
 * every line of every logger (the audit and metric lines, and whatever reaches the root logger
 * at its configured level), {@code list.clear()} between requests, {@link #detach()} at the end.
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
        loggers().forEach(logger -> logger.addAppender(this));
    }

    /** Stops capturing. */
    public void detach() {
        loggers().forEach(logger -> logger.detachAppender(this));
        stop();
    }

    /**
     * Every line captured since the last {@code list.clear()}, of any logger, oldest first: the
     * formatted message, followed by the stack trace of its exception if it has one.
     */
    public synchronized List<String> lines() {
        return list.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? ""
                        : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .toList();
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

    /**
     * The root logger, and the audit and metric loggers when they do not pass their lines on to
     * it (Vend's own logging configuration), so that each line is captured once.
     */
    private static List<Logger> loggers() {
        var loggers = new ArrayList<Logger>();
        loggers.add((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
        for (String name : List.of(JsonAuditLog.LOGGER, MetricsAuditLog.LOGGER)) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            if (!logger.isAdditive()) {
                loggers.add(logger);
            }
        }
        return loggers;
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
