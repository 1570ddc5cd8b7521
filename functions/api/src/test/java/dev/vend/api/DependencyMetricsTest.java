// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.local.LocalServer;
import dev.vend.api.wiring.VendAssembly;
import dev.vend.audit.MetricsAuditLog;
import dev.vend.aws.policy.PolicyTableSync;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.PolicyCompiler;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.testsupport.DynamoDbTables;
import dev.vend.testsupport.EmfDocuments;
import dev.vend.testsupport.FakeKms;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.verify.HttpsFetcher;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The dependency metrics of real exchanges through {@link VendLambdaHandler}, wired as in Lambda:
 * the policy and single-use tables on dynalite, KMS signing on {@link FakeKms}, issuer keys by
 * discovery from a {@link TestOidcIssuer}. Every request writes one metric line carrying what it
 * did, and nothing it did not; concurrent requests on the local server's pool never mix theirs.
 */
@ExtendWith(DynaliteExtension.class)
class DependencyMetricsTest {

    private static final Map<String, String> AWS_SETTINGS = Map.of(
            "aws.accessKeyId", Dynalite.ACCESS_KEY_ID,
            "aws.secretAccessKey", Dynalite.SECRET_ACCESS_KEY,
            "aws.region", Dynalite.REGION);
    private static final String SUBJECT = "workload-metrics";
    private static final String OTHER_SUBJECT = "workload-without-policy";

    private static FakeKms kms;
    private static String keyArn;
    private static URI dynamoDbEndpoint;
    private static DynamoDbClient dynamoDb;

    @TempDir
    Path dir;

    private TestOidcIssuer issuer;
    private ApplicationContext context;
    private VendLambdaHandler handler;
    private final ListAppender<ILoggingEvent> metricLines = new ListAppender<>();
    private final ListAppender<ILoggingEvent> auditLines = new ListAppender<>();

    @BeforeAll
    static void startDependencies(Dynalite dynalite) {
        AWS_SETTINGS.forEach(System::setProperty);
        kms = FakeKms.start();
        keyArn = kms.createEcP256Key();
        dynamoDbEndpoint = dynalite.endpoint();
        dynamoDb = DynamoDbTables.client(dynalite);
    }

    @AfterAll
    static void stopDependencies() {
        dynamoDb.close();
        kms.close();
        AWS_SETTINGS.keySet().forEach(System::clearProperty);
    }

    @BeforeEach
    void start() throws Exception {
        issuer = TestOidcIssuer.start();
        String policyTable = table("policies", true);
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    discovery: true
                    allowPrivateNetwork: true
                    algorithms: [RS256, ES256]
                    singleUseJti: true
                """.formatted(issuer.issuer()));
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", LambdaHarness.VEND_ISSUER);
        properties.put("vend.issuers-file", issuers.toString());
        properties.put("vend.policy-table", policyTable);
        properties.put("vend.single-use-table", table("single-use", false));
        properties.put("vend.dynamodb-endpoint", dynamoDbEndpoint.toString());
        properties.put("vend.signing-keys", "[{\"arn\":\"" + keyArn + "\",\"state\":\"active\"}]");
        properties.put("vend.kms-endpoint", kms.endpoint().toString());
        context = ApplicationContext.builder().environments("function", "lambda", "test")
                .properties(properties)
                .singletons(new HttpsFetcher(issuer.sslContext(), Duration.ofSeconds(3)))
                .start();
        handler = new VendLambdaHandler(context);
        syncPolicy(policyTable);
        capture(MetricsAuditLog.LOGGER, metricLines);
        capture("vend.audit", auditLines);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(MetricsAuditLog.LOGGER)).detachAppender(metricLines);
        ((Logger) LoggerFactory.getLogger("vend.audit")).detachAppender(auditLines);
        context.close();
        issuer.close();
    }

    @Test
    void exchangeWhenFirstAndSecondTokenThenEachMetricLineCarriesWhatThatRequestDid() {
        String first = issuer.mint(SUBJECT, LambdaHarness.VEND_ISSUER);
        assertThat(exchange(first).getStatusCode()).isEqualTo(200);
        String second = issuer.mint(SUBJECT, LambdaHarness.VEND_ISSUER);
        APIGatewayV2HTTPResponse issued = exchange(second);
        assertThat(issued.getStatusCode()).isEqualTo(200);

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(dependencyMetrics(lines.get(0))).containsExactlyInAnyOrder("KmsLatency",
                "PolicyStoreLatency", "SingleUseStoreLatency", "JwksFetchLatency",
                "PolicyCacheMiss", "JwksCacheMiss");
        assertThat(dependencyMetrics(lines.get(1))).containsExactlyInAnyOrder("KmsLatency",
                "SingleUseStoreLatency", "PolicyCacheHit", "JwksCacheHit");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("decision").asText()).isEqualTo("allow");
            assertThat(line.path("KmsLatency").isNumber()).isTrue();
            assertThat(line.path("KmsLatency").asDouble()).isPositive();
        });
        assertThat(metricLines.list).allSatisfy(line -> assertThat(line.getFormattedMessage())
                .doesNotContain(first, second, issued.getBody(), SUBJECT, keyArn,
                        issuer.signingKey().getKeyID()));
    }

    @Test
    void exchangeWhenRecordedThenTheMetricLineIsValidEmfAndNamesTheAuditEventsRequestId() {
        exchange(issuer.mint(SUBJECT, LambdaHarness.VEND_ISSUER));

        String line = metricLines.list.get(0).getFormattedMessage();
        assertThat(EmfDocuments.problems(line)).isEmpty();
        assertThat(LambdaHarness.parse(line).path("request_id").asText()).isEqualTo(
                LambdaHarness.parse(auditLines.list.get(0).getFormattedMessage())
                        .path("request_id").asText()).hasSize(32);
    }

    @Test
    void exchangeWhenPolicyRefusesThenTheLineHasNoKmsLatency() {
        exchange(issuer.mint(OTHER_SUBJECT, LambdaHarness.VEND_ISSUER));

        JsonNode line = lines().get(0);
        assertThat(line.path("decision").asText()).isEqualTo("deny");
        assertThat(dependencyMetrics(line)).containsExactlyInAnyOrder("PolicyStoreLatency",
                "SingleUseStoreLatency", "JwksFetchLatency", "PolicyCacheMiss", "JwksCacheMiss");
    }

    @Test
    void challengeWhenIssuedThenTheLineCarriesOnlyTheSingleUseWrite() {
        var response = handler.handleRequest(LambdaHarness.event("POST", "/challenge",
                new HashMap<>(), null), new io.micronaut.function.aws.proxy.MockLambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode line = lines().get(0);
        assertThat(line.path("operation").asText()).isEqualTo("challenge");
        assertThat(dependencyMetrics(line)).containsExactly("SingleUseStoreLatency");
    }

    @Test
    void exchangeWhenRefusedBeforeVerificationThenTheLineHasNoDependencyMetrics() {
        exchange("not-a-token");

        JsonNode line = lines().get(0);
        assertThat(line.path("decision").asText()).isEqualTo("deny");
        assertThat(line.at("/_aws/CloudWatchMetrics")).hasSize(1);
    }

    /**
     * Requests of three kinds from several clients at once through the local server's pool:
     * issued (KMS, single use, policy, keys), refused by policy (no KMS) and malformed (nothing).
     * A scope mixed between two requests would give some line two values or a value it can not
     * have; every line must hold exactly its own request's metrics.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void exchangeWhenClientsRunConcurrentlyOnTheLocalServerThenNoLineMixesTwoRequests()
            throws Exception {
        int clients = 8;
        int perClient = 24;
        try (var server = LocalServer.start(handler, 0)) {
            URI token = URI.create("http://127.0.0.1:" + server.port() + "/token");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<List<Integer>>> results = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    results.add(pool.submit(() -> client(http, token, perClient)));
                }
                for (Future<List<Integer>> result : results) {
                    assertThat(result.get(2, TimeUnit.MINUTES)).hasSize(perClient)
                            .allSatisfy(status -> assertThat(status).isIn(200, 400));
                }
            } finally {
                pool.shutdownNow();
            }
        }

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(clients * perClient);
        assertThat(lines).allSatisfy(DependencyMetricsTest::assertOwnMetricsOnly);
        assertThat(lines).filteredOn(line -> line.has("KmsLatency"))
                .hasSize(clients * perClient / 3);
    }

    private List<Integer> client(HttpClient http, URI token, int requests) throws Exception {
        var statuses = new ArrayList<Integer>();
        for (int i = 0; i < requests; i++) {
            String proof = switch (i % 3) {
                case 0 -> issuer.mint(SUBJECT, LambdaHarness.VEND_ISSUER);
                case 1 -> issuer.mint(OTHER_SUBJECT, LambdaHarness.VEND_ISSUER);
                default -> "not-a-token";
            };
            HttpRequest request = HttpRequest.newBuilder(token)
                    .header("Content-Type", LambdaHarness.FORM)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(form(proof))).build();
            statuses.add(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        return statuses;
    }

    /** What one line may carry, given its outcome; each cache outcome and call exactly once. */
    private static void assertOwnMetricsOnly(JsonNode line) {
        Set<String> metrics = dependencyMetrics(line);
        if (!line.has("PolicyCacheMiss") && !line.has("PolicyCacheHit")) {
            assertThat(metrics).as("refused before verification").isEmpty();
            return;
        }
        boolean issued = line.path("decision").asText().equals("allow");
        assertThat(line.has("KmsLatency")).isEqualTo(issued);
        for (String single : List.of("KmsLatency", "SingleUseStoreLatency", "PolicyStoreLatency",
                "JwksFetchLatency")) {
            if (line.has(single)) {
                assertThat(line.path(single).isNumber()).as(single + " once").isTrue();
            }
        }
        assertThat(count(line, "PolicyCacheHit") + count(line, "PolicyCacheMiss")).isEqualTo(1);
        assertThat(line.has("PolicyStoreLatency")).isEqualTo(line.has("PolicyCacheMiss"));
        assertThat(count(line, "JwksCacheHit") + count(line, "JwksCacheMiss")
                + count(line, "JwksCacheRefresh") + count(line, "JwksCacheStale")).isEqualTo(1);
        assertThat(line.has("SingleUseStoreLatency")).isTrue();
    }

    private static long count(JsonNode line, String metric) {
        return line.path(metric).asLong(0);
    }

    private APIGatewayV2HTTPResponse exchange(String proof) {
        var headers = new HashMap<String, String>(Map.of("content-type", LambdaHarness.FORM));
        return handler.handleRequest(LambdaHarness.event("POST", "/token", headers, form(proof)),
                new io.micronaut.function.aws.proxy.MockLambdaContext());
    }

    private List<JsonNode> lines() {
        return metricLines.list.stream()
                .map(line -> LambdaHarness.parse(line.getFormattedMessage())).toList();
    }

    /** The metrics of the line's dependency directive; empty when it has none. */
    private static Set<String> dependencyMetrics(JsonNode line) {
        var names = new java.util.LinkedHashSet<String>();
        line.at("/_aws/CloudWatchMetrics/1/Metrics")
                .forEach(metric -> names.add(metric.path("Name").asText()));
        return names;
    }

    private static String form(String proof) {
        return "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(proof)
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:jwt")
                + "&audience=" + encode("https://api.example.com");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void capture(String loggerName, ListAppender<ILoggingEvent> appender) {
        appender.start();
        ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(appender);
    }

    /** A fresh table with a string {@code pk}, and a string {@code sk} when asked for. */
    private static String table(String prefix, boolean sortKey) {
        String name = Dynalite.uniqueTableName(prefix);
        DynamoDbTables.create(dynamoDb, name, sortKey);
        return name;
    }

    /** Writes the one policy into the table, compiled as the function compiles it. */
    private void syncPolicy(String policyTable) throws Exception {
        Map<String, Object> document = YamlDocuments.parseMapping("""
                apiVersion: vend.dev/v1
                id: ci-metrics
                issuer: ci
                conditions:
                  sub: %s
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read]
                """.formatted(SUBJECT), "ci-metrics.yaml");
        var compiler = new PolicyCompiler(context.getBean(VendAssembly.class).issuers(),
                new PolicyCompiler.Limits(LambdaHarness.VEND_ISSUER, Duration.ofHours(1)));
        var sources = List.of(new PolicyTableSync.Source(compiler.compile(document, "test"),
                document));
        var sync = new PolicyTableSync(dynamoDb, policyTable);
        sync.apply(sync.plan(sources, compiler), sources, compiler);
    }
}
