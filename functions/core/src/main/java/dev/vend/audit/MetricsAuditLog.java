// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.parse.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each audit event, then writes the request's one CloudWatch Embedded Metric Format line
 * on the {@code vend.metrics} logger, in the {@value #NAMESPACE} namespace. Lambda's log pipeline
 * turns the line into metrics with no API call. The line follows the format's specification
 * ({@code _aws.CloudWatchMetrics}: namespace, dimension sets, metric definitions) with two
 * directives:
 *
 * <ul>
 *   <li>{@value #REQUESTS} (count) and {@value #LATENCY} (milliseconds) by operation, identity
 *       source and decision, by operation alone, and by decision alone;
 *   <li>the dependency metrics the request recorded into its {@link RequestMetrics} scope
 *       ({@link Metric}: KMS, policy store, single-use store, STS, IAM proof and JWKS latency,
 *       policy and JWKS cache outcomes), without dimensions. A metric the request did not
 *       record is absent, not zero, and the directive is left out when there is none.
 * </ul>
 *
 * <p>Besides those values the line holds the three dimension values and the request id; never a
 * token, proof, key id, subject or other identity. {@link #record} must run on the thread that
 * handles the request, inside its scope, as every audit point does.
 *
 * <p><strong>Limitation:</strong> no dimension names the deployment, so two stacks in one account
 * and region write into the same {@value #NAMESPACE} series and set off each other's alarms;
 * docs/limitations.md says so.
 *
 * <p>Thread-safe.
 */
public final class MetricsAuditLog implements AuditLog {

    /** The logger the metric lines go to. */
    public static final String LOGGER = "vend.metrics";
    /** The CloudWatch namespace. */
    public static final String NAMESPACE = "Vend";
    /** One per request. */
    public static final String REQUESTS = "Requests";
    /** The request's time in Vend, as its audit event's {@code latency_ms}. */
    public static final String LATENCY = "Latency";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final List<String> DIMENSIONS =
            List.of(LogFields.OPERATION, LogFields.IDENTITY_SOURCE, LogFields.DECISION);

    private final AuditLog delegate;
    private final Clock clock;
    private final RequestMetrics metrics;

    /**
     * @param delegate records the audit event itself, first
     * @param clock stamps the metric line
     * @param metrics the request scopes the components record into
     */
    public MetricsAuditLog(AuditLog delegate, Clock clock, RequestMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void record(AuditEvent event) {
        delegate.record(event);
        LOG.info(metricLine(event, metrics.recorded(), clock.millis()));
    }

    /**
     * The EMF line of one request.
     *
     * @param event the request's audit event
     * @param dependencies what the request recorded, as {@link RequestMetrics#recorded()} gives it
     * @param epochMillis the line's timestamp
     */
    public static String metricLine(AuditEvent event, Map<Metric, List<Double>> dependencies,
            long epochMillis) {
        var directives = new ArrayList<Map<String, Object>>();
        // The full set; operation alone, whose token latency the deployment's alarm watches;
        // and decision alone, which its error alarm watches.
        directives.add(directive(List.of(DIMENSIONS, List.of(LogFields.OPERATION),
                        List.of(LogFields.DECISION)),
                List.of(definition(REQUESTS, Metric.Unit.COUNT),
                        definition(LATENCY, Metric.Unit.MILLISECONDS))));
        if (!dependencies.isEmpty()) {
            // No dimensions: a deployment-wide series per dependency, which alarms can watch.
            directives.add(directive(List.of(List.of()), dependencies.keySet().stream()
                    .map(metric -> definition(metric.metricName(), metric.unit())).toList()));
        }
        var line = new LinkedHashMap<String, Object>();
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("Timestamp", epochMillis);
        metadata.put("CloudWatchMetrics", directives);
        line.put("_aws", metadata);
        for (String dimension : DIMENSIONS) {
            line.put(dimension, String.valueOf(event.fields().getOrDefault(dimension, "none")));
        }
        Object requestId = event.fields().get(LogFields.REQUEST_ID);
        if (requestId != null) {
            line.put(LogFields.REQUEST_ID, requestId.toString());
        }
        line.put(REQUESTS, 1);
        line.put(LATENCY, event.fields().getOrDefault(LogFields.LATENCY_MS, 0));
        dependencies.forEach((metric, values) -> line.put(metric.metricName(), member(values)));
        return toJson(line);
    }

    private static Map<String, Object> directive(List<List<String>> dimensionSets,
            List<Map<String, String>> definitions) {
        var directive = new LinkedHashMap<String, Object>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", dimensionSets);
        directive.put("Metrics", definitions);
        return directive;
    }

    private static Map<String, String> definition(String name, Metric.Unit unit) {
        var definition = new LinkedHashMap<String, String>();
        definition.put("Name", name);
        definition.put("Unit", unit.cloudWatchName());
        return definition;
    }

    /** One value as a number, several as the array EMF accepts (one sample each). */
    private static Object member(List<Double> values) {
        List<Number> numbers = values.stream().map(MetricsAuditLog::number).toList();
        return numbers.size() == 1 ? numbers.get(0) : numbers;
    }

    private static Number number(double value) {
        return value == Math.rint(value) ? (Number) (long) value : (Number) value;
    }

    private static String toJson(Map<String, Object> line) {
        try {
            return Json.write(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a metric line is always serialisable", e);
        }
    }
}
