// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsAuditLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricLineWhenEventRecordedThenEmfWithCountLatencyAndThreeDimensions() throws Exception {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(LogFields.OPERATION, "token");
        fields.put(LogFields.IDENTITY_SOURCE, "oidc");
        fields.put(LogFields.DECISION, "deny");
        fields.put(LogFields.REASON, "expired");
        fields.put(LogFields.SUBJECT, "oidc:ci:workload-1");
        fields.put(LogFields.LATENCY_MS, 12L);

        JsonNode line = JSON.readTree(MetricsAuditLog.metricLine(new AuditEvent(fields), 1_000L));

        JsonNode metric = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(1_000L);
        assertThat(metric.path("Namespace").asText()).isEqualTo("Vend");
        assertThat(metric.path("Dimensions").get(0)).extracting(JsonNode::asText)
                .containsExactly("operation", "identity_source", "decision");
        assertThat(line.path("decision").asText()).isEqualTo("deny");
        assertThat(line.path("Requests").asInt()).isEqualTo(1);
        assertThat(line.path("Latency").asLong()).isEqualTo(12L);
        // Metrics carry dimensions only: no subject, reason or other audit content.
        assertThat(line.toString()).doesNotContain("workload-1").doesNotContain("expired");
    }

    @Test
    void recordWhenCalledThenDelegateRecordsTheEventFirst() {
        List<AuditEvent> recorded = new ArrayList<>();
        var log = new MetricsAuditLog(recorded::add,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        var event = new AuditEvent(new LinkedHashMap<>());

        log.record(event);

        assertThat(recorded).containsExactly(event);
        assertThat(MetricsAuditLog.metricLine(event, 0)).contains("\"identity_source\":\"none\"");
    }
}
