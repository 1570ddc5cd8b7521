// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.audit.AuditLog;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Vend's Lambda handler in-process on a real application context, as the api module's
 * {@code LambdaHarness} runs it, with every audit event kept by a {@link RecordingAuditLog}.
 */
final class FuzzHarness implements AutoCloseable {

    static final String VEND_ISSUER = "https://vend.test";

    private final ApplicationContext context;
    private final VendLambdaHandler handler;
    private final RecordingAuditLog audit = new RecordingAuditLog();

    private FuzzHarness(Path dir, String issuersYaml, Map<String, String> policies) {
        try {
            Path policyDir = Files.createDirectories(dir.resolve("policies"));
            for (Map.Entry<String, String> policy : policies.entrySet()) {
                Files.writeString(policyDir.resolve(policy.getKey()), policy.getValue());
            }
            Path issuers = Files.writeString(dir.resolve("issuers.yaml"), issuersYaml);
            Map<String, Object> properties = new HashMap<>();
            properties.put("vend.issuer-url", VEND_ISSUER);
            properties.put("vend.issuers-file", issuers.toString());
            properties.put("vend.policies-folder", policyDir.toString());
            properties.put("vend.state-dir", dir.resolve("state").toString());
            this.context = ApplicationContext.builder()
                    .environments("function", "lambda", "test")
                    .properties(properties)
                    .singletons(Clock.systemUTC(), audit)
                    .start();
            this.handler = new VendLambdaHandler(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a handler.
     *
     * @param dir a scratch folder
     * @param issuersYaml the issuer registry document
     * @param policies policy documents by file name
     */
    static FuzzHarness start(Path dir, String issuersYaml, Map<String, String> policies) {
        return new FuzzHarness(dir, issuersYaml, policies);
    }

    /** A complete payload 2.0 event. */
    static APIGatewayV2HTTPEvent event(String method, String path, Map<String, String> headers,
            String body, boolean base64) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("vend-fuzz").build();
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("fuzz").withRouteKey("$default")
                .withStage("$default").withAccountId("123456789012").withApiId("api")
                .withDomainName("vend.test").withTimeEpoch(System.currentTimeMillis()).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString("").withHeaders(headers).withRequestContext(requestContext)
                .withBody(body).withIsBase64Encoded(base64).build();
    }

    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, new MockLambdaContext());
    }

    RecordingAuditLog audit() {
        return audit;
    }

    AuditLog auditBean() {
        return context.getBean(AuditLog.class);
    }

    @Override
    public void close() {
        context.close();
    }
}
