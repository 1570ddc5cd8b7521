// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;

/**
 * The one place that maps internal reasons to the wire. Every refusal of a proof and every
 * refusal by policy renders identically, so a caller never learns that their proof was genuine
 * and only the policy said no. Only what the request bytes alone show has its own description.
 */
public final class OAuthErrors {

    /** The description of every refusal of a proof or by policy. */
    public static final String REFUSED = "The subject token was not accepted.";
    /** Seconds a caller waits after an outage. */
    public static final int RETRY_AFTER_SECONDS = 5;

    // RFC 8693 §2.2.2: an invalid or unacceptable subject token is invalid_request. Vend also
    // uses it for an unentitled audience, where invalid_target is suggested, so audience refusals
    // are no oracle.
    private static final WireError REFUSAL = new WireError(400, "invalid_request", REFUSED, null);

    // RFC 6749 §4.1.2.1 defines these two for the authorization endpoint; Vend borrows them at the
    // token endpoint for outages (503) and its own faults (500), as is common practice.
    private static final WireError UNAVAILABLE = new WireError(503, "temporarily_unavailable",
            "The service is temporarily unavailable; retry with a fresh proof.",
            RETRY_AFTER_SECONDS);
    private static final WireError SERVER_ERROR = new WireError(500, "server_error",
            "The service failed to process the request.", null);

    private OAuthErrors() {
    }

    /** The wire form of a refusal. */
    public static WireError of(DenialReason reason) {
        return switch (reason.category()) {
            case EVIDENCE, POLICY -> REFUSAL;
            case REQUEST -> ofRequest(reason);
        };
    }

    /** The wire form of a failure. */
    public static WireError of(FailureKind kind) {
        return kind == FailureKind.TRANSIENT ? UNAVAILABLE : SERVER_ERROR;
    }

    private static WireError ofRequest(DenialReason reason) {
        return switch (reason) {
            // RFC 6749 §5.2: the grant type is not supported by the authorization server.
            case UNSUPPORTED_GRANT_TYPE -> new WireError(400, "unsupported_grant_type",
                    "Only urn:ietf:params:oauth:grant-type:token-exchange is supported.", null);
            case MISSING_PARAMETER -> request("A required parameter is missing.");
            case REPEATED_PARAMETER -> request("A parameter is repeated.");
            case UNSUPPORTED_CONTENT_TYPE ->
                    request("The body must be application/x-www-form-urlencoded.");
            case QUERY_STRING_NOT_ALLOWED -> request("Parameters must be sent in the body only.");
            case REQUEST_TOO_LARGE -> new WireError(413, "invalid_request",
                    "The request body is too large.", null);
            case UNSUPPORTED_EVENT -> request("The request event is not supported.");
            case UNSUPPORTED_SUBJECT_TOKEN_TYPE -> request("The subject_token_type is not supported.");
            case UNSUPPORTED_REQUESTED_TOKEN_TYPE ->
                    request("The requested_token_type is not supported.");
            case ACTOR_TOKEN_NOT_SUPPORTED -> request("Delegation (actor_token) is not supported.");
            case NOT_FOUND -> new WireError(404, "invalid_request", "No such endpoint.", null);
            case METHOD_NOT_ALLOWED -> new WireError(405, "invalid_request",
                    "The endpoint does not accept this method.", null);
            default -> request("The request is malformed.");
        };
    }

    // RFC 6749 §5.2: invalid_request for a missing, repeated or malformed parameter.
    private static WireError request(String description) {
        return new WireError(400, "invalid_request", description, null);
    }
}
