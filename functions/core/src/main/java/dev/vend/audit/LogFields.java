// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

/** Every structured log and audit key, once, in snake_case. No ad-hoc keys elsewhere. */
public final class LogFields {

    public static final String EVENT = "event";
    public static final String REQUEST_ID = "request_id";
    /** The Lambda invocation's own request id, on log lines written in Lambda. */
    public static final String AWS_REQUEST_ID = "aws_request_id";
    public static final String TIME = "time";
    public static final String OPERATION = "operation";
    public static final String DECISION = "decision";
    public static final String REASON = "reason";
    public static final String SUBJECT_TOKEN_TYPE = "subject_token_type";
    public static final String EVIDENCE_SHA256 = "evidence_sha256";
    public static final String IDENTITY_SOURCE = "identity_source";
    public static final String ISSUER = "issuer";
    public static final String ISSUER_ID = "issuer_id";
    public static final String SUBJECT = "subject";
    public static final String ATTRIBUTES = "attributes";
    public static final String REQUESTED_AUDIENCE = "requested_audience";
    public static final String REQUESTED_SCOPE = "requested_scope";
    public static final String REQUESTED_TOKEN_TYPE = "requested_token_type";
    public static final String POLICY_ID = "policy_id";
    public static final String POLICY_VERSION = "policy_version";
    public static final String POLICIES = "policies";
    public static final String MATCHED = "matched";
    public static final String MODE = "mode";
    public static final String ENTITLES = "entitles";
    public static final String TOKEN_JTI = "token_jti";
    public static final String TOKEN_EXP = "token_exp";
    public static final String GRANTED_TTL_S = "granted_ttl_s";
    public static final String GRANTED_AUDIENCE = "granted_audience";
    public static final String GRANTED_SCOPE = "granted_scope";
    public static final String LATENCY_MS = "latency_ms";
    public static final String AUDIT_ERROR = "audit_error";

    /** The audit event name. */
    public static final String VEND_DECISION = "token.vend.decision";

    private LogFields() {
    }
}
