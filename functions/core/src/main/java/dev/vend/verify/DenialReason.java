// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.util.Locale;

/**
 * Why a request was refused. Internal: the audit record carries {@link #code()}, the wire never
 * does. Only {@code OAuthErrors} decides how a category renders, and it renders
 * {@link Category#EVIDENCE} and {@link Category#POLICY} identically so the caller can not learn
 * whether their proof was genuine. docs/reasons.md maps each value to the field cases.
 */
public enum DenialReason {
    // Request shape: visible in the request bytes before any key, issuer or policy is consulted.
    MALFORMED_REQUEST(Category.REQUEST),
    MISSING_PARAMETER(Category.REQUEST),
    REPEATED_PARAMETER(Category.REQUEST),
    UNSUPPORTED_CONTENT_TYPE(Category.REQUEST),
    QUERY_STRING_NOT_ALLOWED(Category.REQUEST),
    REQUEST_TOO_LARGE(Category.REQUEST),
    UNSUPPORTED_EVENT(Category.REQUEST),
    UNSUPPORTED_GRANT_TYPE(Category.REQUEST),
    UNSUPPORTED_SUBJECT_TOKEN_TYPE(Category.REQUEST),
    UNSUPPORTED_REQUESTED_TOKEN_TYPE(Category.REQUEST),
    ACTOR_TOKEN_NOT_SUPPORTED(Category.REQUEST),
    NOT_FOUND(Category.REQUEST),
    METHOD_NOT_ALLOWED(Category.REQUEST),

    // Evidence: the proof itself.
    MALFORMED_TOKEN(Category.EVIDENCE),
    UNSUPPORTED_TOKEN_FORM(Category.EVIDENCE),
    UNSUPPORTED_ALGORITHM(Category.EVIDENCE),
    UNSUPPORTED_CRITICAL_HEADER(Category.EVIDENCE),
    UNTRUSTED_ISSUER(Category.EVIDENCE),
    UNKNOWN_KEY(Category.EVIDENCE),
    BAD_SIGNATURE(Category.EVIDENCE),
    WRONG_TOKEN_TYPE_HEADER(Category.EVIDENCE),
    EXPIRED(Category.EVIDENCE),
    NOT_YET_VALID(Category.EVIDENCE),
    ISSUED_IN_FUTURE(Category.EVIDENCE),
    TOO_OLD(Category.EVIDENCE),
    MISSING_CLAIM(Category.EVIDENCE),
    AUDIENCE_MISMATCH(Category.EVIDENCE),
    REPLAYED(Category.EVIDENCE),

    // Policy: the proof verified, and policy said no.
    NO_MATCHING_POLICY(Category.POLICY),
    AUDIT_MODE_ONLY(Category.POLICY),
    AUDIENCE_REQUIRED(Category.POLICY),
    AUDIENCE_NOT_ENTITLED(Category.POLICY),
    SCOPE_NOT_ENTITLED(Category.POLICY),
    TOKEN_TYPE_NOT_ENTITLED(Category.POLICY);

    /** How a reason renders on the wire; see {@code OAuthErrors}. */
    public enum Category { REQUEST, EVIDENCE, POLICY }

    private final Category category;

    DenialReason(Category category) {
        this.category = category;
    }

    /** The category that decides the wire rendering. */
    public Category category() {
        return category;
    }

    /** The snake_case name recorded as the audit {@code reason}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
