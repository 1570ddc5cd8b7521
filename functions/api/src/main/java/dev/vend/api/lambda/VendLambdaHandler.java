// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.vend.api.logging.RequestIdScope;
import dev.vend.audit.AuditLog;
import dev.vend.audit.AuditRecorder;
import dev.vend.parse.TokenExchangeForm;
import dev.vend.vend.OAuthErrors;
import dev.vend.vend.WireError;
import dev.vend.verify.DenialReason;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Lambda entry point behind an API Gateway HTTP API (payload format 2.0). Refuses, before the
 * framework sees them, events Vend does not accept: another payload version, an event without
 * {@code requestContext}, a {@code POST /token} with a query string (it would be merged into the
 * form, and tokens would land in access logs), without a form content type, with no body, or with
 * a body over 16 KiB; each such refusal of {@code POST /token} is recorded in the audit log.
 * Everything else goes to the same controllers as the local server.
 */
public class VendLambdaHandler extends APIGatewayV2HTTPEventFunction {

    // RFC 9110 §5.1 token characters, and visible ASCII with inner spaces and tabs.
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E\\t]*[\\x21-\\x7E])?|");

    /** The handler Lambda instantiates: builds its own application context. */
    public VendLambdaHandler() {
        super();
    }

    /** A handler on a given application context (tests, priming). */
    public VendLambdaHandler(ApplicationContext context) {
        super(context);
    }

    /**
     * Handles one invocation with its ids bound for logging ({@link RequestIdScope}) from the
     * first line to the last: the request id that the response and the audit event carry, and
     * the context's Lambda request id. Both are unbound before the next invocation.
     */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (RequestIdScope ids = RequestIdScope.open(context)) {
            DenialReason refusal = refusalOf(event);
            if (refusal == null) {
                return super.handleRequest(event, context);
            }
            return refuse(event, refusal, ids.requestId());
        }
    }

    private APIGatewayV2HTTPResponse refuse(APIGatewayV2HTTPEvent event, DenialReason refusal,
            String requestId) {
        // An event of another shape may be a POST /token that can not be recognised as one, so
        // every refusal here is recorded.
        recordRefusal(requestId, isTokenPath(event) ? "token"
                : isPostTo(event, "/challenge") ? "challenge" : "unrecognised", refusal);
        return render(OAuthErrors.of(refusal), requestId);
    }

    private static DenialReason refusalOf(APIGatewayV2HTTPEvent event) {
        if (event == null || !"2.0".equals(event.getVersion()) || event.getRequestContext() == null
                || event.getRequestContext().getHttp() == null) {
            return DenialReason.UNSUPPORTED_EVENT;
        }
        var http = event.getRequestContext().getHttp();
        if (http.getMethod() == null || http.getMethod().isBlank() || http.getPath() == null) {
            return DenialReason.UNSUPPORTED_EVENT;
        }
        if (!isUri(http.getPath(), event.getRawQueryString()) || !trimmedHeadersAreValid(event)
                || !bodyDecodes(event)) {
            return DenialReason.MALFORMED_REQUEST;
        }
        if (!isTokenPath(event)) {
            return null;
        }
        String query = event.getRawQueryString();
        if (query != null && !query.isEmpty()) {
            return DenialReason.QUERY_STRING_NOT_ALLOWED;
        }
        String contentType = header(event, "content-type");
        if (contentType == null || !TokenExchangeForm.isFormContentType(contentType)) {
            return DenialReason.UNSUPPORTED_CONTENT_TYPE;
        }
        long size = bodyBytes(event);
        if (size == 0) {
            return DenialReason.MISSING_PARAMETER;
        }
        return size > TokenExchangeForm.MAX_BODY_BYTES ? DenialReason.REQUEST_TOO_LARGE : null;
    }

    /**
     * Trims the optional white space around each header value (RFC 9110 §5.5), then refuses
     * names or values with control or non-ASCII characters, which the framework would otherwise
     * reject with an exception while building the request.
     */
    private static boolean trimmedHeadersAreValid(APIGatewayV2HTTPEvent event) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return true;
        }
        var trimmed = new HashMap<String, String>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String value = header.getValue() == null ? "" : header.getValue().strip();
            if (header.getKey() == null || !HEADER_NAME.matcher(header.getKey()).matches()
                    || !HEADER_VALUE.matcher(value).matches()) {
                return false;
            }
            trimmed.put(header.getKey(), value);
        }
        event.setHeaders(trimmed);
        return true;
    }

    /**
     * The path and query must form a URI reference (no spaces, no broken percent escapes), or
     * the framework fails building the request with an exception instead of an answer.
     */
    private static boolean isUri(String path, String query) {
        try {
            URI.create(query == null || query.isEmpty() ? path : path + "?" + query);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A body flagged base64 must be base64, or the framework fails decoding it. */
    private static boolean bodyDecodes(APIGatewayV2HTTPEvent event) {
        if (!event.getIsBase64Encoded() || event.getBody() == null) {
            return true;
        }
        try {
            Base64.getDecoder().decode(event.getBody());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isTokenPath(APIGatewayV2HTTPEvent event) {
        var context = event == null ? null : event.getRequestContext();
        return context != null && context.getHttp() != null
                && "POST".equalsIgnoreCase(context.getHttp().getMethod())
                && isToken(String.valueOf(context.getHttp().getPath()));
    }

    private static boolean isPostTo(APIGatewayV2HTTPEvent event, String suffix) {
        var context = event == null ? null : event.getRequestContext();
        return context != null && context.getHttp() != null
                && "POST".equalsIgnoreCase(context.getHttp().getMethod())
                && String.valueOf(context.getHttp().getPath()).endsWith(suffix);
    }

    /** The token route, which the router also matches with a trailing slash. */
    private static boolean isToken(String path) {
        return path.endsWith("/token") || path.endsWith("/token/");
    }

    /** A header in any letter case; payload 2.0 joins repeated headers with commas. */
    private static String header(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey() != null && entry.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static long bodyBytes(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return 0;
        }
        if (!event.getIsBase64Encoded()) {
            return body.getBytes(StandardCharsets.UTF_8).length;
        }
        // Decoded size without decoding: 3 bytes per 4 characters, less the padding.
        int padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
        return (long) body.length() * 3 / 4 - padding;
    }

    private void recordRefusal(String requestId, String operation, DenialReason reason) {
        var context = getApplicationContext();
        var audit = AuditRecorder.begin(requestId, operation, context.getBean(Clock.class));
        audit.denied(reason);
        context.getBean(AuditLog.class).record(audit.end());
    }

    private static APIGatewayV2HTTPResponse render(WireError error, String requestId) {
        Map<String, String> headers = new HashMap<>(error.headers());
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(error.status())
                .withHeaders(headers)
                .withBody(error.body(requestId))
                .withIsBase64Encoded(false)
                .build();
    }
}
