// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.audit.AuditLog;
import dev.vend.audit.AuditRecorder;
import dev.vend.metrics.RequestMetrics;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.parse.TokenExchangeForm;
import dev.vend.vend.OAuthErrors;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VendingFailure;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code POST /token}: RFC 8693 token exchange. Thin: refuse what the request bytes alone show is
 * wrong (recording its audit event here), parse, {@code vend}, render. The request id (in the MDC,
 * for every log line) and the request's metrics scope are bound to the handling thread for the
 * whole request.
 */
@Controller
public class TokenController {

    private final TokenVendingService service;
    private final AuditLog auditLog;
    private final Clock clock;
    private final RequestMetrics metrics;

    public TokenController(TokenVendingService service, AuditLog auditLog, Clock clock,
            RequestMetrics metrics) {
        this.service = service;
        this.auditLog = auditLog;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Exchanges a workload's proof for a Vend token. */
    @Post(uri = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED,
            produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> token(HttpRequest<?> request, @Nullable @Body String body) {
        return RequestScope.handle(metrics, requestId -> exchange(request, body, requestId));
    }

    private MutableHttpResponse<String> exchange(HttpRequest<?> request, @Nullable String body,
            String requestId) {
        TokenRequest parsed;
        try {
            parsed = parse(request, body == null ? "" : body, requestId);
        } catch (DenialException refused) {
            recordRefusedBeforeVend(requestId, refused.reason());
            return Responses.error(OAuthErrors.of(refused.reason()), requestId);
        }
        try {
            IssuedToken token = service.vend(parsed);
            return Responses.issued(token);
        } catch (DenialException denial) {
            return Responses.error(OAuthErrors.of(denial.reason()), requestId);
        } catch (VendingFailure failure) {
            return Responses.error(OAuthErrors.of(failure.kind()), requestId);
        }
    }

    private static TokenRequest parse(HttpRequest<?> request, String body, String requestId) {
        if (request.getUri().getRawQuery() != null) {
            throw new DenialException(DenialReason.QUERY_STRING_NOT_ALLOWED, "query string");
        }
        String contentType = request.getHeaders().get("Content-Type");
        if (contentType == null || !TokenExchangeForm.isFormContentType(contentType)) {
            throw new DenialException(DenialReason.UNSUPPORTED_CONTENT_TYPE, "content type");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > TokenExchangeForm.MAX_BODY_BYTES) {
            throw new DenialException(DenialReason.REQUEST_TOO_LARGE, "body size");
        }
        return TokenExchangeForm.parse(body, requestId);
    }

    private void recordRefusedBeforeVend(String requestId, DenialReason reason) {
        var audit = AuditRecorder.begin(requestId, "token", clock);
        audit.denied(reason);
        auditLog.record(audit.end());
    }
}
