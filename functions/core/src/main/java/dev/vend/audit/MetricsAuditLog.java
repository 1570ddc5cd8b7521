// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each audit event, then writes one CloudWatch Embedded Metric Format line for it on the
 * {@code vend.metrics} logger: a {@code Requests} count and the {@code Latency} in milliseconds,
 * by operation, identity source and decision (and by decision alone), in the {@code Vend}
 * namespace. Lambda's log
 * pipeline turns the line into metrics with no API call. The line holds no token, proof or
 * identity, only those three dimensions. Thread-safe. The line follows the CloudWatch Embedded
 * Metric Format specification ({@code _aws.CloudWatchMetrics} with namespace, dimension sets
 * and metric definitions).
 */
public final class MetricsAuditLog implements AuditLog {

    /** The logger the metric lines go to. */
    public static final String LOGGER = "vend.metrics";
    /** The CloudWatch namespace. */
    public static final String NAMESPACE = "Vend";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DIMENSIONS =
            List.of(LogFields.OPERATION, LogFields.IDENTITY_SOURCE, LogFields.DECISION);

    private final AuditLog delegate;
    private final Clock clock;

    public MetricsAuditLog(AuditLog delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void record(AuditEvent event) {
        delegate.record(event);
        LOG.info(metricLine(event, clock.millis()));
    }

    /** The EMF line for one event. */
    public static String metricLine(AuditEvent event, long epochMillis) {
        var metric = new LinkedHashMap<String, Object>();
        metric.put("Namespace", NAMESPACE);
        // The full set, and decision alone, which the deployment's error alarm watches.
        metric.put("Dimensions", List.of(DIMENSIONS, List.of(LogFields.DECISION)));
        metric.put("Metrics", List.of(Map.of("Name", "Requests", "Unit", "Count"),
                Map.of("Name", "Latency", "Unit", "Milliseconds")));
        var line = new LinkedHashMap<String, Object>();
        line.put("_aws", Map.of("Timestamp", epochMillis, "CloudWatchMetrics", List.of(metric)));
        for (String dimension : DIMENSIONS) {
            line.put(dimension, String.valueOf(event.fields().getOrDefault(dimension, "none")));
        }
        line.put("Requests", 1);
        line.put("Latency", event.fields().getOrDefault(LogFields.LATENCY_MS, 0));
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a metric line is always serialisable", e);
        }
    }
}
