// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.api.logging.RequestIdScope;
import dev.vend.audit.AuditLog;
import dev.vend.audit.AuditRecorder;
import dev.vend.vend.OAuthErrors;
import dev.vend.vend.WireError;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every error the framework raises itself (no route, wrong method, oversized body, an
 * unexpected exception) in the same OAuth shape as Vend's own, with a constant description: no
 * parameter name, exception message or stack trace reaches a caller. A framework refusal of
 * {@code POST /token} is recorded in the audit log, since the controller never saw it. The
 * response, the audit event and the lines logged here carry the invocation's request id.
 */
@Singleton
@Primary
public class OAuthErrorResponseProcessor implements ErrorResponseProcessor<String> {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthErrorResponseProcessor.class);

    private final AuditLog auditLog;
    private final Clock clock;

    public OAuthErrorResponseProcessor(AuditLog auditLog, Clock clock) {
        this.auditLog = auditLog;
        this.clock = clock;
    }

    @Override
    public MutableHttpResponse<String> processResponse(ErrorContext context,
            MutableHttpResponse<?> base) {
        int status = base.getStatus().getCode();
        try (RequestIdScope ids = RequestIdScope.join()) {
            logCause(context, status);
            if (isTokenRequest(context)) {
                recordTokenRefusal(status, ids.requestId());
            }
            return render(base, wireError(status), ids.requestId());
        }
    }

    private static void logCause(ErrorContext context, int status) {
        // The class alone: framework messages can quote request input.
        String cause = context.getRootCause().map(c -> c.getClass().getName()).orElse("none");
        if (status >= 500) {
            LOG.error("request failed in the framework with {}: {}", status, cause);
        } else {
            LOG.debug("framework refused a request with {}: {}", status, cause);
        }
    }

    private void recordTokenRefusal(int status, String requestId) {
        var audit = AuditRecorder.begin(requestId, "token", clock);
        if (status >= 500) {
            audit.failed(FailureKind.PERMANENT);
        } else {
            audit.denied(reasonOf(status));
        }
        auditLog.record(audit.end());
    }

    private static MutableHttpResponse<String> render(MutableHttpResponse<?> base,
            WireError error, String requestId) {
        MutableHttpResponse<String> response = base.status(error.status())
                .body(error.body(requestId));
        error.headers().forEach(response::header);
        return response;
    }

    private static WireError wireError(int status) {
        if (status >= 500) {
            return OAuthErrors.of(status == 503 ? FailureKind.TRANSIENT : FailureKind.PERMANENT);
        }
        return OAuthErrors.of(reasonOf(status));
    }

    private static DenialReason reasonOf(int status) {
        return switch (status) {
            case 404 -> DenialReason.NOT_FOUND;
            case 405 -> DenialReason.METHOD_NOT_ALLOWED;
            case 413 -> DenialReason.REQUEST_TOO_LARGE;
            case 415 -> DenialReason.UNSUPPORTED_CONTENT_TYPE;
            default -> DenialReason.MALFORMED_REQUEST;
        };
    }

    private static boolean isTokenRequest(ErrorContext context) {
        return context.getRequest().getMethod() == HttpMethod.POST
                && context.getRequest().getPath().endsWith("/token");
    }
}
