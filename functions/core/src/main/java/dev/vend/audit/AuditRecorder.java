// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import dev.vend.model.AttributeValue;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
import dev.vend.policy.PolicyOutcome;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Collects the audit record of one request as it moves through the pipeline; {@link #end()}
 * produces the one event. Holds hashes and chosen attributes only. Not thread-safe: one recorder
 * per request.
 */
public final class AuditRecorder {

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final Clock clock;
    private final Instant started;
    private final Set<String> attributeNames = new LinkedHashSet<>();
    private @Nullable VerifiedIdentity identity;

    private AuditRecorder(String requestId, String operation, Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
        fields.put(LogFields.EVENT, LogFields.VEND_DECISION);
        fields.put(LogFields.TIME, started.toString());
        fields.put(LogFields.REQUEST_ID, requestId);
        fields.put(LogFields.OPERATION, operation);
    }

    /** Starts the record of one request. */
    public static AuditRecorder begin(String requestId, String operation, Clock clock) {
        return new AuditRecorder(requestId, operation, clock);
    }

    /** Records what was asked, without the evidence itself. */
    public void request(TokenRequest request) {
        fields.put(LogFields.SUBJECT_TOKEN_TYPE, request.attestation().tokenType());
        fields.put(LogFields.EVIDENCE_SHA256, request.attestation().sha256());
        fields.put(LogFields.REQUESTED_AUDIENCE, request.audiences());
        fields.put(LogFields.REQUESTED_SCOPE, new TreeSet<>(request.scopes()));
        fields.put(LogFields.REQUESTED_TOKEN_TYPE, request.requestedTokenTypeOrDefault());
    }

    /** Records who the caller proved to be. */
    public void identified(VerifiedIdentity verified) {
        this.identity = verified;
        fields.put(LogFields.IDENTITY_SOURCE, verified.source().id());
        fields.put(LogFields.ISSUER, verified.issuer());
        fields.put(LogFields.ISSUER_ID, verified.issuerId());
        fields.put(LogFields.SUBJECT, verified.vendSubject());
    }

    /** Records every candidate policy's outcome and the deciding one. */
    public void decided(Decision decision) {
        fields.put(LogFields.POLICIES, decision.outcomes().stream().map(this::outcome).toList());
        if (decision instanceof Decision.Allow allow) {
            fields.put(LogFields.POLICY_ID, allow.entitlement().policyId());
            fields.put(LogFields.POLICY_VERSION, allow.entitlement().policyVersion());
            attributeNames.addAll(allow.entitlement().carried().keySet());
        }
    }

    /** Records the issued token by id and expiry only. */
    public void issued(IssuedToken token, List<String> audiences) {
        fields.put(LogFields.TOKEN_JTI, token.jti());
        fields.put(LogFields.TOKEN_EXP, token.expiresAt().getEpochSecond());
        fields.put(LogFields.GRANTED_TTL_S, token.expiresInSeconds());
        fields.put(LogFields.GRANTED_AUDIENCE, audiences);
        fields.put(LogFields.GRANTED_SCOPE, new TreeSet<>(token.scopes()));
        fields.put(LogFields.DECISION, "allow");
    }

    /** Records a refusal. */
    public void denied(DenialReason reason) {
        fields.put(LogFields.DECISION, "deny");
        fields.put(LogFields.REASON, reason.code());
    }

    /** Records a failure of Vend or a dependency. */
    public void failed(FailureKind kind) {
        fields.put(LogFields.DECISION, "error");
        fields.put(LogFields.REASON, kind.code());
    }

    /** The finished event. */
    public AuditEvent end() {
        if (identity != null && !attributeNames.isEmpty()) {
            var attributes = new LinkedHashMap<String, Object>();
            for (String name : attributeNames) {
                identity.attribute(name).map(AttributeValue::toJson)
                        .ifPresent(value -> attributes.put(name, value));
            }
            fields.put(LogFields.ATTRIBUTES, attributes);
        }
        fields.putIfAbsent(LogFields.DECISION, "error");
        fields.put(LogFields.LATENCY_MS, Duration.between(started, clock.instant()).toMillis());
        return new AuditEvent(fields);
    }

    private Map<String, Object> outcome(PolicyOutcome outcome) {
        outcome.conditions().forEach(result -> attributeNames.add(result.attribute()));
        var out = new LinkedHashMap<String, Object>();
        out.put(LogFields.POLICY_ID, outcome.policyId());
        out.put(LogFields.POLICY_VERSION, outcome.version());
        out.put(LogFields.MODE, outcome.mode().name().toLowerCase(java.util.Locale.ROOT));
        out.put(LogFields.MATCHED, outcome.matched());
        out.put(LogFields.ENTITLES, outcome.entitles());
        if (outcome.matched() && outcome.refusal() != null) {
            out.put(LogFields.REASON, outcome.refusal().code());
        }
        return out;
    }
}
