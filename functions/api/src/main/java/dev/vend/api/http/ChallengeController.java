// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.AuditRecorder;
import dev.vend.audit.LogFields;
import dev.vend.challenge.Challenges;
import dev.vend.metrics.RequestMetrics;
import dev.vend.vend.OAuthErrors;
import dev.vend.verify.VendingFailure;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /challenge}: hands out a single-use challenge valid five minutes, which the next
 * cloud proof (Azure nonce, GCE audience, AWS signed header) must carry. Takes no input. Every
 * call records one audit event (operation {@code challenge}) holding no challenge value. Rate
 * limiting is API Gateway's job. Thin: issue, audit, render.
 */
@Controller
public class ChallengeController {

    private final Challenges challenges;
    private final AuditLog auditLog;
    private final Clock clock;
    private final RequestMetrics metrics;

    public ChallengeController(Challenges challenges, AuditLog auditLog, Clock clock,
            RequestMetrics metrics) {
        this.challenges = challenges;
        this.auditLog = auditLog;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Issues a challenge: {@code {"challenge":"<32 of [a-z0-9]>","expires_in":300}}. */
    // Any body and content type is accepted and ignored: clients send none, an empty form or {}.
    @Post(uri = "/challenge", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> challenge() {
        return RequestScope.handle(metrics, this::issue);
    }

    private MutableHttpResponse<String> issue(String requestId) {
        var audit = AuditRecorder.begin(requestId, "challenge", clock);
        try {
            Challenges.Issued issued = challenges.issue();
            auditLog.record(allowed(audit.end()));
            var body = new LinkedHashMap<String, Object>();
            body.put("challenge", issued.value());
            body.put("expires_in", issued.expiresInSeconds());
            return Responses.json(HttpStatus.OK, body).header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache");
        } catch (VendingFailure failure) {
            audit.failed(failure.kind());
            auditLog.record(audit.end());
            return Responses.error(OAuthErrors.of(failure.kind()), requestId);
        }
    }

    /** The recorder marks an event without a token as an error; a handed-out challenge is not. */
    private static AuditEvent allowed(AuditEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>(event.fields());
        fields.put(LogFields.DECISION, "allow");
        return new AuditEvent(fields);
    }
}
