// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
import dev.vend.policy.Entitlement;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyOutcome;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuditRecorderTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";
    private static final String EVIDENCE =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJl";
    private static final String ISSUED = "eyJ0eXAiOiJhdCtqd3QifQ.eyJqdGkiOiJqIn0.aXNzdWVkLXNpZw";

    /** A clock that moves 7 ms between readings. */
    private static Clock ticking() {
        return new Clock() {
            private Instant now = NOW;

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                Instant current = now;
                now = now.plusMillis(7);
                return current;
            }
        };
    }

    private static TokenRequest request() {
        return new TokenRequest(REQUEST_ID, new Attestation(TokenTypes.JWT, EVIDENCE),
                List.of("https://api.example.test"), Set.of("write", "read"), null);
    }

    private static VerifiedIdentity identity() {
        return new VerifiedIdentity(IdentitySource.OIDC, "github-actions",
                "https://token.actions.githubusercontent.com", "1001:123",
                Map.of("repository", new AttributeValue.Str("acme/app"),
                        "repository_id", new AttributeValue.Str("123"),
                        "run_number", new AttributeValue.Num(new BigDecimal("42")),
                        "actor", new AttributeValue.Str("someone")),
                NOW.plusSeconds(300), Attestation.sha256Hex(EVIDENCE));
    }

    private static Decision.Allow allow() {
        var entitlement = new Entitlement("gh-deploy", "v".repeat(64),
                List.of("https://api.example.test"), Set.of("read"), Duration.ofMinutes(5),
                Map.of("repository", new AttributeValue.Str("acme/app")));
        var outcome = new PolicyOutcome("gh-deploy", "v".repeat(64), Policy.Mode.ENFORCE,
                List.of(new PolicyOutcome.ConditionResult("repository_id", "equals \"123\"", true)),
                true, null);
        return new Decision.Allow(entitlement, List.of(outcome));
    }

    private static JsonNode json(AuditEvent event) throws Exception {
        String line = JsonAuditLog.toJson(event);
        assertThat(line).doesNotContain("\n");
        return new ObjectMapper().readTree(line);
    }

    @Test
    void endWhenNothingElseRecordedThenEventSaysErrorWithRequestIdAndLatency() throws Exception {
        AuditEvent event = AuditRecorder.begin(REQUEST_ID, "token", ticking()).end();

        JsonNode json = json(event);
        assertThat(json.get("event").asText()).isEqualTo(LogFields.VEND_DECISION);
        assertThat(json.get("request_id").asText()).isEqualTo(REQUEST_ID);
        assertThat(json.get("operation").asText()).isEqualTo("token");
        assertThat(json.get("time").asText()).isEqualTo(NOW.toString());
        assertThat(json.get("decision").asText()).isEqualTo("error");
        assertThat(json.get("latency_ms").asLong()).isEqualTo(7);
    }

    @Test
    void requestWhenRecordedThenKeepsTheHashNeverTheEvidence() throws Exception {
        var audit = AuditRecorder.begin(REQUEST_ID, "token", ticking());

        audit.request(request());
        audit.denied(DenialReason.BAD_SIGNATURE);
        String line = JsonAuditLog.toJson(audit.end());

        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("evidence_sha256").asText()).isEqualTo(Attestation.sha256Hex(EVIDENCE));
        assertThat(json.get("subject_token_type").asText()).isEqualTo(TokenTypes.JWT);
        assertThat(json.get("requested_scope").toString()).isEqualTo("[\"read\",\"write\"]");
        assertThat(json.get("requested_token_type").asText()).isEqualTo(TokenTypes.ACCESS_TOKEN);
        for (String part : EVIDENCE.split("\\.")) {
            assertThat(line).doesNotContain(part);
        }
    }

    @Test
    void deniedWhenRecordedThenReasonIsTheSnakeCaseCode() {
        var audit = AuditRecorder.begin(REQUEST_ID, "token", ticking());

        audit.denied(DenialReason.AUDIENCE_NOT_ENTITLED);
        AuditEvent event = audit.end();

        assertThat(event.decision()).isEqualTo("deny");
        assertThat(event.reason()).isEqualTo("audience_not_entitled");
    }

    @Test
    void failedWhenRecordedThenReasonIsTheFailureKind() {
        var audit = AuditRecorder.begin(REQUEST_ID, "token", ticking());

        audit.failed(FailureKind.TRANSIENT);

        assertThat(audit.end().reason()).isEqualTo("transient");
    }

    @Test
    void issuedWhenAllowedThenRecordsTokenByIdOnlyAndChosenAttributes() throws Exception {
        var audit = AuditRecorder.begin(REQUEST_ID, "token", ticking());
        var token = new IssuedToken(ISSUED, TokenTypes.ACCESS_TOKEN, "Bearer", "jti-1", NOW,
                NOW.plusSeconds(300), Set.of("read"));

        audit.request(request());
        audit.identified(identity());
        Decision.Allow allow = allow();
        audit.decided(allow);
        audit.issued(token, allow.entitlement().audiences());
        JsonNode json = json(audit.end());

        assertThat(json.get("decision").asText()).isEqualTo("allow");
        assertThat(json.has("reason")).isFalse();
        assertThat(json.get("subject").asText()).isEqualTo("oidc:github-actions:1001:123");
        assertThat(json.get("issuer_id").asText()).isEqualTo("github-actions");
        assertThat(json.get("policy_id").asText()).isEqualTo("gh-deploy");
        assertThat(json.get("token_jti").asText()).isEqualTo("jti-1");
        assertThat(json.get("token_exp").asLong()).isEqualTo(NOW.getEpochSecond() + 300);
        assertThat(json.get("granted_ttl_s").asLong()).isEqualTo(300);
        assertThat(json.get("policies").get(0).get("entitles").asBoolean()).isTrue();
        // Attributes the policy looked at or carried, and no others.
        assertThat(json.get("attributes").get("repository").asText()).isEqualTo("acme/app");
        assertThat(json.get("attributes").get("repository_id").asText()).isEqualTo("123");
        assertThat(json.get("attributes").has("actor")).isFalse();
        assertThat(json.get("attributes").has("run_number")).isFalse();
        assertThat(json.toString()).doesNotContain(ISSUED).doesNotContain("aXNzdWVkLXNpZw");
    }

    @Test
    void decidedWhenDenyWithRefusingPolicyThenRecordsEachOutcomeWithItsReason() throws Exception {
        var audit = AuditRecorder.begin(REQUEST_ID, "token", ticking());
        var refusing = new PolicyOutcome("p-a", "v1", Policy.Mode.ENFORCE, List.of(), true,
                DenialReason.SCOPE_NOT_ENTITLED);
        var unmatched = new PolicyOutcome("p-b", "v2", Policy.Mode.AUDIT, List.of(), false, null);

        audit.identified(identity());
        audit.decided(new Decision.Deny(DenialReason.SCOPE_NOT_ENTITLED,
                List.of(refusing, unmatched)));
        audit.denied(DenialReason.SCOPE_NOT_ENTITLED);
        JsonNode json = json(audit.end());

        assertThat(json.get("policies")).hasSize(2);
        assertThat(json.get("policies").get(0).get("reason").asText())
                .isEqualTo("scope_not_entitled");
        assertThat(json.get("policies").get(1).get("mode").asText()).isEqualTo("audit");
        assertThat(json.get("policies").get(1).has("reason")).isFalse();
        assertThat(json.has("policy_id")).isFalse();
    }

    @Test
    void eventWhenBuiltThenIsImmutable() {
        AuditEvent event = AuditRecorder.begin(REQUEST_ID, "token", ticking()).end();

        assertThatThrownBy(() -> event.fields().put("extra", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordWhenCalledThenWritesOneJsonLineAtInfoOnTheAuditLogger() {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        var logger = (Logger) LoggerFactory.getLogger(JsonAuditLog.LOGGER);
        logger.addAppender(appender);
        try {
            AuditEvent event = AuditRecorder.begin(REQUEST_ID, "token", ticking()).end();

            new JsonAuditLog().record(event);

            assertThat(appender.list).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.INFO);
                assertThat(line.getFormattedMessage()).isEqualTo(JsonAuditLog.toJson(event));
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void discardingWhenRecordingThenDoesNothing() {
        AuditLog.discarding().record(AuditRecorder.begin(REQUEST_ID, "token", ticking()).end());
    }
}
