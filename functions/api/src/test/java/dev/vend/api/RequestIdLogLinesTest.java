// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.api.logging.VendLogConfigurator;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.LogFields;
import dev.vend.audit.MetricsAuditLog;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every line logged while the Lambda handler handles an invocation names that invocation: Vend's
 * {@code request_id}, the one its response and its audit event carry, and the
 * {@code aws_request_id} of its Lambda context; and no id outlives its invocation. Lines of every
 * logger are captured at {@code DEBUG} and rendered by the encoders
 * {@link VendLogConfigurator} installs, so the assertions read what CloudWatch would receive.
 */
class RequestIdLogLinesTest {

    private static final String ISSUER = "https://ci.example.test";
    private static final ECKey KEY = TestKeys.ecP256();
    private static final ECKey OTHER_KEY = TestKeys.ecP256(1);
    private static final List<String> CAPTURED = List.of(org.slf4j.Logger.ROOT_LOGGER_NAME,
            JsonAuditLog.LOGGER, MetricsAuditLog.LOGGER);

    @TempDir
    Path dir;

    /** Keeps each line with its MDC as it was when logged, which logback reads lazily. */
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent line) {
            line.prepareForDeferredProcessing();
            super.append(line);
        }
    };
    private final Map<String, Level> levels = new HashMap<>();
    private final Map<String, List<Appender<ILoggingEvent>>> consoles = new HashMap<>();
    private final LoggerContext rendering = new LoggerContext();
    private LambdaHarness vend;
    private String outageIssuer;

    /** One invocation: what it is, and its event. */
    private record Invocation(String name, APIGatewayV2HTTPEvent event) {
    }

    @BeforeEach
    void start() throws IOException {
        Path jwks = Files.writeString(dir.resolve("ci-jwks.json"),
                new JWKSet(KEY.toPublicJWK()).toString());
        outageIssuer = "https://localhost:" + closedPort();
        String issuers = """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                  - id: outage
                    issuer: %s
                    preset: oidc
                    jwksUri: %s/jwks
                    allowPrivateNetwork: true
                    algorithms: [ES256]
                """.formatted(ISSUER, jwks, outageIssuer, outageIssuer);
        String policy = """
                apiVersion: vend.dev/v1
                id: ci-workload-1
                issuer: ci
                conditions:
                  sub: workload-1
                issue:
                  audiences: [https://api.example.com]
                """;
        vend = LambdaHarness.start(dir, issuers, Map.of("ci.yaml", policy), Clock.systemUTC());
        captureEveryLoggerAtDebug();
        var configurator = new VendLogConfigurator();
        configurator.setContext(rendering);
        configurator.configure(rendering);
    }

    @AfterEach
    void stop() {
        for (String name : CAPTURED) {
            logger(name).detachAppender(lines);
            consoles.getOrDefault(name, List.of()).forEach(logger(name)::addAppender);
        }
        levels.forEach((name, level) -> logger(name).setLevel(level));
        rendering.stop();
        vend.close();
    }

    @Test
    void handleRequestWhenAnyPathThenEveryLineNamesItsInvocationAndNoIdOutlivesIt() {
        List<Invocation> invocations = List.of(
                new Invocation("token issued", tokenEvent(token(KEY, "workload-1", ISSUER))),
                new Invocation("proof refused", tokenEvent(token(OTHER_KEY, "workload-1",
                        ISSUER))),
                new Invocation("query string refused before the framework", withQuery(
                        tokenEvent(token(KEY, "workload-1", ISSUER)))),
                new Invocation("wrong method refused by the framework",
                        LambdaHarness.event("GET", "/token", new HashMap<>(), null)),
                new Invocation("unknown route refused by the framework",
                        LambdaHarness.event("POST", "/nothing-here", new HashMap<>(), "{}")),
                new Invocation("challenge handed out",
                        LambdaHarness.event("POST", "/challenge", new HashMap<>(), null)),
                new Invocation("issuer keys unreachable", tokenEvent(token(KEY, "workload-1",
                        outageIssuer))));
        Set<String> earlierIds = new HashSet<>();

        for (Invocation invocation : invocations) {
            String awsRequestId = UUID.randomUUID().toString();
            lines.list.clear();

            APIGatewayV2HTTPResponse response = vend.handle(invocation.event(),
                    lambdaContext(awsRequestId));

            List<ILoggingEvent> logged = List.copyOf(lines.list);
            String requestId = requestIdOf(response, logged);
            assertThat(logged).as(invocation.name()).isNotEmpty();
            assertThat(requestId).as(invocation.name()).matches("[0-9a-f]{32}")
                    .isNotIn(earlierIds);
            for (ILoggingEvent line : logged) {
                assertNamesOnly(invocation.name(), line, requestId, awsRequestId, earlierIds);
            }
            assertThat(MDC.getCopyOfContextMap()).as(invocation.name() + ": MDC after return")
                    .isNullOrEmpty();
            earlierIds.add(requestId);
            earlierIds.add(awsRequestId);
        }
    }

    @Test
    void handleRequestWhenContextHasNoLambdaRequestIdThenLinesCarryVendsIdOnly() {
        APIGatewayV2HTTPResponse response = vend.handle(
                tokenEvent(token(OTHER_KEY, "workload-1", ISSUER)));

        String requestId = LambdaHarness.parse(response.getBody()).get("request_id").asText();
        assertThat(lines.list).isNotEmpty().allSatisfy(line -> {
            assertThat(line.getMDCPropertyMap()).containsEntry(LogFields.REQUEST_ID, requestId)
                    .doesNotContainKey(LogFields.AWS_REQUEST_ID);
            assertThat(render(line).toString()).doesNotContain(LogFields.AWS_REQUEST_ID);
        });
    }

    /**
     * The line names this invocation's two ids, in the MDC the event captured and in what its
     * encoder writes, and no id of an earlier invocation anywhere.
     */
    private void assertNamesOnly(String invocation, ILoggingEvent line, String requestId,
            String awsRequestId, Set<String> earlierIds) {
        String description = invocation + ": " + line.getLoggerName() + " "
                + line.getFormattedMessage();
        assertThat(line.getMDCPropertyMap()).as(description)
                .containsEntry(LogFields.REQUEST_ID, requestId)
                .containsEntry(LogFields.AWS_REQUEST_ID, awsRequestId)
                .doesNotContainKey("AWSRequestId");
        JsonNode written = render(line);
        JsonNode ids = written.has("mdc") ? written.get("mdc") : written;
        assertThat(ids.path(LogFields.REQUEST_ID).asText()).as(description).isEqualTo(requestId);
        assertThat(ids.path(LogFields.AWS_REQUEST_ID).asText()).as(description)
                .isEqualTo(awsRequestId);
        for (String earlier : earlierIds) {
            assertThat(written.toString()).as(description).doesNotContain(earlier);
        }
    }

    /** The id the caller saw in an error body, else the one of the request's audit event. */
    private static String requestIdOf(APIGatewayV2HTTPResponse response,
            List<ILoggingEvent> logged) {
        JsonNode body = LambdaHarness.parse(response.getBody());
        List<String> audited = logged.stream()
                .filter(line -> line.getLoggerName().equals(JsonAuditLog.LOGGER))
                .map(line -> LambdaHarness.parse(line.getFormattedMessage())
                        .get(LogFields.REQUEST_ID).asText())
                .toList();
        if (body.has(LogFields.REQUEST_ID)) {
            String answered = body.get(LogFields.REQUEST_ID).asText();
            assertThat(audited).as("audit events of the request").allMatch(answered::equals);
            return answered;
        }
        assertThat(audited).as("audit events of the request").hasSize(1);
        return audited.get(0);
    }

    /** The line as the encoder of its logger in Vend's configuration writes it, parsed. */
    @SuppressWarnings("unchecked")
    private JsonNode render(ILoggingEvent line) {
        String name = line.getLoggerName();
        Logger configured = rendering.getLogger(name.equals(JsonAuditLog.LOGGER)
                || name.equals(MetricsAuditLog.LOGGER) ? name : org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = (OutputStreamAppender<ILoggingEvent>) configured.iteratorForAppenders()
                .next();
        Encoder<ILoggingEvent> encoder = appender.getEncoder();
        String written = new String(encoder.encode(line), StandardCharsets.UTF_8);
        assertThat(written).endsWith("\n").doesNotContain("\n".repeat(2));
        return LambdaHarness.parse(written);
    }

    /**
     * Captures every line in place of the console appenders, so thousands of framework lines at
     * {@code DEBUG} do not flood the build's output; {@link #stop()} puts them back.
     */
    private void captureEveryLoggerAtDebug() {
        lines.start();
        for (String name : CAPTURED) {
            List<Appender<ILoggingEvent>> attached = new ArrayList<>();
            logger(name).iteratorForAppenders().forEachRemaining(attached::add);
            attached.forEach(logger(name)::detachAppender);
            consoles.put(name, attached);
            logger(name).addAppender(lines);
        }
        for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.vend")) {
            levels.put(name, logger(name).getLevel());
            logger(name).setLevel(Level.DEBUG);
        }
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }

    private static MockLambdaContext lambdaContext(String awsRequestId) {
        return new MockLambdaContext() {
            @Override
            public String getAwsRequestId() {
                return awsRequestId;
            }
        };
    }

    private static APIGatewayV2HTTPEvent tokenEvent(String subjectToken) {
        return LambdaHarness.tokenEvent("grant_type="
                + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt"));
    }

    private static APIGatewayV2HTTPEvent withQuery(APIGatewayV2HTTPEvent event) {
        event.setRawQueryString("subject_token=x");
        return event;
    }

    private static String token(ECKey key, String subject, String issuer) {
        return TestTokens.signedWith(key).issuer(issuer).subject(subject)
                .audience(LambdaHarness.VEND_ISSUER).sign();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A loopback port nothing listens on, so a key fetch from it fails at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
