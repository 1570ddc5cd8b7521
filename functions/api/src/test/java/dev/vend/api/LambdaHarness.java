// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.audit.JsonAuditLog;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Runs Vend's Lambda handler in-process on a real application context, with an issuer registry
 * and policies written to a folder, and captures every log line (audit included) for assertions.
 */
public final class LambdaHarness implements AutoCloseable {

    public static final String VEND_ISSUER = "https://vend.test";
    public static final String FORM = "application/x-www-form-urlencoded";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApplicationContext context;
    private final VendLambdaHandler handler;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private LambdaHarness(ApplicationContext context) {
        this.context = context;
        this.handler = new VendLambdaHandler(context);
        logs.start();
        for (String name : List.of(JsonAuditLog.LOGGER, org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(logs);
        }
    }

    /**
     * Starts a handler.
     *
     * @param dir a scratch folder
     * @param issuersYaml the issuer registry document
     * @param policies policy documents by file name
     * @param clock the clock every stage uses
     */
    static LambdaHarness start(Path dir, String issuersYaml, Map<String, String> policies,
            Clock clock) {
        return startWith(dir, issuersYaml, policies, clock);
    }

    /**
     * Starts a handler whose context holds the given beans (a clock, an audit log) in place of
     * the factory's.
     */
    public static LambdaHarness startWith(Path dir, String issuersYaml,
            Map<String, String> policies, Object... singletons) {
        return startConfigured(dir, issuersYaml, policies, Map.of(), singletons);
    }

    /**
     * Starts a handler with more {@code vend.*} settings (the cloud trust files, an STS
     * endpoint), and the given beans in place of the factory's.
     */
    public static LambdaHarness startConfigured(Path dir, String issuersYaml,
            Map<String, String> policies, Map<String, Object> settings, Object... singletons) {
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
            properties.putAll(settings);
            ApplicationContext context = ApplicationContext.builder()
                    .environments("function", "lambda", "test")
                    .properties(properties)
                    .singletons(singletons)
                    .start();
            return new LambdaHarness(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete payload v2 event with a plain body. */
    static APIGatewayV2HTTPEvent event(String method, String path, Map<String, String> headers,
            String body) {
        return event(method, path, headers, body, false);
    }

    /** A complete payload v2 event; {@code base64} sets the event's body flag as given. */
    public static APIGatewayV2HTTPEvent event(String method, String path,
            Map<String, String> headers, String body, boolean base64) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("vend-test").build();
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("req-1").withRouteKey("$default")
                .withStage("$default").withAccountId("123456789012").withApiId("api")
                .withDomainName("vend.test").withTimeEpoch(System.currentTimeMillis()).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString("").withHeaders(headers).withRequestContext(requestContext)
                .withBody(body).withIsBase64Encoded(base64).build();
    }

    /** A form POST to /token. */
    static APIGatewayV2HTTPEvent tokenEvent(String form) {
        return event("POST", "/token", new HashMap<>(Map.of("content-type", FORM)), form);
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, new MockLambdaContext());
    }

    /** Handles the event as Lambda would, with this invocation context. */
    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context lambda) {
        return handler.handleRequest(event, lambda);
    }

    APIGatewayV2HTTPResponse get(String path) {
        return handle(event("GET", path, new HashMap<>(), null));
    }

    /** The audit events written so far, parsed. */
    List<JsonNode> auditEvents() {
        return logs.list.stream().filter(e -> e.getLoggerName().equals(JsonAuditLog.LOGGER))
                .map(e -> parse(e.getFormattedMessage())).toList();
    }

    /** Every captured log line, formatted, with any throwable's message. */
    List<String> logLines() {
        return logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .toList();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The handler's application context. */
    public ApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        for (String name : List.of(JsonAuditLog.LOGGER, org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            ((Logger) LoggerFactory.getLogger(name)).detachAppender(logs);
        }
        context.close();
    }
}
