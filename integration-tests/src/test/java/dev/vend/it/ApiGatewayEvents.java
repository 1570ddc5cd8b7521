// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.vend.api.lambda.VendLambdaHandler;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Complete API Gateway HTTP API (payload 2.0) events as an HTTP API sends them to Vend's Lambda
 * handler, and the token exchange form bodies they carry. Stateless.
 */
public final class ApiGatewayEvents {

    /** The form content type. */
    public static final String FORM = "application/x-www-form-urlencoded";
    /** The RFC 8693 grant type. */
    public static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** The subject token type of a JWT. */
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

    private ApiGatewayEvents() {
    }

    /** Calls the handler as Lambda does, with a mock context. */
    public static APIGatewayV2HTTPResponse handle(VendLambdaHandler handler,
            APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, new MockLambdaContext());
    }

    /** A token exchange form for a JWT proof, with an audience unless it is null. */
    public static String form(String proof, @Nullable String audience) {
        return form(proof, audience, JWT);
    }

    /** A token-exchange form with the given subject token type. */
    public static String form(String proof, @Nullable String audience, String tokenType) {
        return "grant_type=" + enc(EXCHANGE) + "&subject_token=" + enc(proof)
                + "&subject_token_type=" + enc(tokenType)
                + (audience == null ? "" : "&audience=" + enc(audience));
    }

    /** {@code POST /token} with a form body. */
    public static APIGatewayV2HTTPEvent tokenEvent(String body) {
        return event("POST", "/token", new HashMap<>(Map.of("content-type", FORM)), body);
    }

    /** A complete payload 2.0 event, as an HTTP API sends it. */
    public static APIGatewayV2HTTPEvent event(String method, String path,
            @Nullable Map<String, String> headers, @Nullable String body) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("vend-it").build();
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId(UUID.randomUUID().toString())
                .withRouteKey("$default").withStage("$default").withAccountId("123456789012")
                .withApiId("vendapi").withDomainName("vendapi.execute-api.us-east-1.amazonaws.com")
                .withDomainPrefix("vendapi").withTime("03/Dec/2026:18:00:00 +0000")
                .withTimeEpoch(System.currentTimeMillis()).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString("").withHeaders(headers).withRequestContext(requestContext)
                .withBody(body).withIsBase64Encoded(false).build();
    }

    /** Form-encodes a value. */
    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
