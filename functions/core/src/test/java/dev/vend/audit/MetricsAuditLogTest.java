// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.testsupport.EmfDocuments;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MetricsAuditLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";

    private static AuditEvent event() {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(LogFields.REQUEST_ID, REQUEST_ID);
        fields.put(LogFields.OPERATION, "token");
        fields.put(LogFields.IDENTITY_SOURCE, "oidc");
        fields.put(LogFields.DECISION, "allow");
        fields.put(LogFields.ISSUER, "https://issuer.example.test");
        fields.put(LogFields.ISSUER_ID, "ci-issuer");
        fields.put(LogFields.SUBJECT, "oidc:ci-issuer:workload-1");
        fields.put(LogFields.EVIDENCE_SHA256, "ab".repeat(32));
        fields.put(LogFields.ATTRIBUTES, Map.of("repository", "acme/secret-app"));
        fields.put(LogFields.POLICY_ID, "deploy-policy");
        fields.put(LogFields.TOKEN_JTI, "jti-4b1d");
        fields.put(LogFields.LATENCY_MS, 12L);
        return new AuditEvent(fields);
    }

    private static JsonNode parse(String line) throws Exception {
        return JSON.readTree(line);
    }

    private static Map<Metric, List<Double>> recorded(Object... metricThenValues) {
        var map = new EnumMap<Metric, List<Double>>(Metric.class);
        for (int i = 0; i < metricThenValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Double> values = (List<Double>) metricThenValues[i + 1];
            map.put((Metric) metricThenValues[i], values);
        }
        return Collections.unmodifiableMap(map);
    }

    @Test
    void metricLineWhenNoDependencyRecordedThenOneDirectiveOfRequestsAndLatencyByDimensions()
            throws Exception {
        String text = MetricsAuditLog.metricLine(event(), Map.of(), 1_000L);
        JsonNode line = parse(text);

        assertThat(EmfDocuments.problems(text)).isEmpty();
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(1_000L);
        JsonNode directives = line.at("/_aws/CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        assertThat(directives.get(0).path("Namespace").asText()).isEqualTo("Vend");
        assertThat(directives.get(0).path("Dimensions").toString())
                .isEqualTo("[[\"operation\",\"identity_source\",\"decision\"],"
                        + "[\"operation\"],[\"decision\"]]");
        assertThat(EmfDocuments.metricNames(text)).containsExactly("Requests", "Latency");
        assertThat(line.path("Requests").asInt()).isEqualTo(1);
        assertThat(line.path("Latency").asLong()).isEqualTo(12L);
        assertThat(line.path("decision").asText()).isEqualTo("allow");
    }

    @Test
    void metricLineWhenDependenciesRecordedThenASecondDirectiveWithoutDimensionsNamesExactlyThem()
            throws Exception {
        Map<Metric, List<Double>> dependencies = recorded(
                Metric.KMS_LATENCY, List.of(12.5),
                Metric.SINGLE_USE_STORE_LATENCY, List.of(3.0, 4.25),
                Metric.POLICY_CACHE_HIT, List.of(1.0));

        String text = MetricsAuditLog.metricLine(event(), dependencies, 1_000L);
        JsonNode line = parse(text);

        assertThat(EmfDocuments.problems(text)).isEmpty();
        JsonNode dependencyDirective = line.at("/_aws/CloudWatchMetrics/1");
        assertThat(dependencyDirective.path("Namespace").asText()).isEqualTo("Vend");
        assertThat(dependencyDirective.path("Dimensions").toString()).isEqualTo("[[]]");
        assertThat(dependencyDirective.path("Metrics").toString()).isEqualTo("["
                + "{\"Name\":\"KmsLatency\",\"Unit\":\"Milliseconds\"},"
                + "{\"Name\":\"SingleUseStoreLatency\",\"Unit\":\"Milliseconds\"},"
                + "{\"Name\":\"PolicyCacheHit\",\"Unit\":\"Count\"}]");
        assertThat(line.path("KmsLatency").asDouble()).isEqualTo(12.5);
        assertThat(line.path("SingleUseStoreLatency").toString()).isEqualTo("[3,4.25]");
        assertThat(line.path("PolicyCacheHit").isIntegralNumber()).isTrue();
        assertThat(line.path("PolicyCacheHit").asLong()).isEqualTo(1L);
    }

    @Test
    void metricLineWhenADependencyDidNotHappenThenItIsAbsentNotZero() throws Exception {
        String text = MetricsAuditLog.metricLine(event(),
                recorded(Metric.JWKS_CACHE_HIT, List.of(1.0)), 0L);

        Set<String> absent = Stream.of(Metric.values()).filter(m -> m != Metric.JWKS_CACHE_HIT)
                .map(Metric::metricName).collect(java.util.stream.Collectors.toSet());
        JsonNode line = parse(text);
        assertThat(absent).allSatisfy(name -> {
            assertThat(line.has(name)).as(name).isFalse();
            assertThat(EmfDocuments.metricNames(text)).doesNotContain(name);
        });
    }

    @Test
    void metricLineWhenEveryMetricRecordedAtItsLimitThenStillValidEmfOfAtMostHundredMetrics() {
        var dependencies = new EnumMap<Metric, List<Double>>(Metric.class);
        for (Metric metric : Metric.values()) {
            List<Double> values = new ArrayList<>();
            int count = metric.unit() == Metric.Unit.COUNT ? 1 : RequestMetrics.MAX_VALUES;
            for (int i = 0; i < count; i++) {
                values.add(i + 0.5);
            }
            dependencies.put(metric, values);
        }

        String text = MetricsAuditLog.metricLine(event(), dependencies, 0L);

        assertThat(EmfDocuments.problems(text)).isEmpty();
        assertThat(EmfDocuments.metricNames(text)).hasSize(Metric.values().length + 2)
                .hasSizeLessThanOrEqualTo(100);
    }

    @Test
    void metricLineWhenEventHoldsIdentityAndTokenIdsThenTheLineHoldsNoneOfThem() throws Exception {
        Map<Metric, List<Double>> dependencies = recorded(Metric.KMS_LATENCY, List.of(9.0),
                Metric.JWKS_CACHE_MISS, List.of(1.0));

        String text = MetricsAuditLog.metricLine(event(), dependencies, 0L);

        assertThat(text).doesNotContain("issuer.example.test", "ci-issuer", "workload-1",
                "ab".repeat(32), "secret-app", "deploy-policy", "jti-4b1d");
        var members = new ArrayList<String>();
        parse(text).fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactly("_aws", "operation", "identity_source", "decision",
                "request_id", "Requests", "Latency", "KmsLatency", "JwksCacheMiss");
        assertThat(parse(text).path("request_id").asText()).isEqualTo(REQUEST_ID);
    }

    @Test
    void metricLineWhenDimensionMissingThenItIsTheStringNone() throws Exception {
        var event = new AuditEvent(Map.of(LogFields.DECISION, "deny"));

        String text = MetricsAuditLog.metricLine(event, Map.of(), 0L);

        assertThat(EmfDocuments.problems(text)).isEmpty();
        assertThat(parse(text).path("identity_source").asText()).isEqualTo("none");
        assertThat(parse(text).has("request_id")).isFalse();
    }

    @Test
    void recordWhenTheRequestsScopeHoldsValuesThenAuditFirstThenOneLineCarryingThem()
            throws Exception {
        List<AuditEvent> audited = new ArrayList<>();
        var metrics = new RequestMetrics();
        var log = new MetricsAuditLog(audited::add, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                metrics);

        List<ILoggingEvent> lines = metricLinesWhile(() -> {
            try (var scope = metrics.open()) {
                metrics.add(Metric.KMS_LATENCY, 8);
                metrics.count(Metric.POLICY_CACHE_MISS);

                log.record(event());
            }
        });

        assertThat(audited).containsExactly(event());
        assertThat(lines).singleElement().satisfies(line -> {
            JsonNode json = parse(line.getFormattedMessage());
            assertThat(json.path("KmsLatency").asDouble()).isEqualTo(8.0);
            assertThat(json.path("PolicyCacheMiss").asLong()).isEqualTo(1L);
        });
    }

    @Test
    void recordWhenNoScopeIsOpenThenTheLineCarriesNoDependencyMetrics() throws Exception {
        var metrics = new RequestMetrics();
        metrics.add(Metric.KMS_LATENCY, 8);
        var log = new MetricsAuditLog(event -> { }, Clock.systemUTC(), metrics);

        List<ILoggingEvent> lines = metricLinesWhile(() -> log.record(event()));

        assertNoDependencyMetrics(lines);
    }

    /**
     * A previous request's scopes closed out of order (its outer scope first) must leave the
     * pooled thread without a scope, so an audit point outside any scope (a refusal before the
     * controller) never publishes that request's numbers.
     */
    @Test
    void recordWhenScopesWereClosedOutOfOrderThenALineOutsideAnyScopeCarriesNoDependencyMetrics() {
        var metrics = new RequestMetrics();
        var log = new MetricsAuditLog(event -> { }, Clock.systemUTC(), metrics);
        var outer = metrics.open();
        metrics.add(Metric.KMS_LATENCY, 8);
        var inner = metrics.open();
        metrics.count(Metric.POLICY_CACHE_HIT);
        outer.close();
        inner.close();

        List<ILoggingEvent> lines = metricLinesWhile(() -> log.record(event()));

        assertNoDependencyMetrics(lines);
    }

    private static void assertNoDependencyMetrics(List<ILoggingEvent> lines) {
        assertThat(lines).singleElement().satisfies(line ->
                assertThat(EmfDocuments.metricNames(line.getFormattedMessage()))
                        .containsExactly("Requests", "Latency"));
    }

    /** The metric lines written while {@code action} runs on this thread. */
    private static List<ILoggingEvent> metricLinesWhile(Runnable action) {
        var logger = (Logger) LoggerFactory.getLogger(MetricsAuditLog.LOGGER);
        var lines = new ListAppender<ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        try {
            action.run();
        } finally {
            logger.detachAppender(lines);
        }
        return lines.list;
    }
}
