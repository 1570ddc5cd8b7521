// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.kms.KmsClients;
import dev.vend.aws.sts.StsCredentialsVendor;
import dev.vend.it.ApiGatewayEvents;
import dev.vend.it.AuditCapture;
import dev.vend.it.faults.Dependency.BadInput;
import dev.vend.it.faults.Dependency.FaultMode;
import dev.vend.it.faults.FaultyDeployment.Environment;
import dev.vend.testsupport.Fault;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.aws.AwsVerifierConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * Faults through the whole pipeline: complete API Gateway payload 2.0 events through the Lambda
 * handler of a deployment configured by {@code vend.*} settings, while one dependency at a time
 * (the issuer's key set, STS {@code GetCallerIdentity} for an AWS IAM proof, the single-use
 * store, the policy store, KMS, STS {@code AssumeRole}) is unavailable (connection reset), slow
 * (no answer, or for the key set and the IAM proof's STS also a body that stalls, for longer than
 * every client timeout) or throttling (the service's own error shape; for the IAM proof's STS
 * also its service faults). Each case states the cache it meets: cold, or warm within or past
 * the stale limit where a cache exists.
 *
 * <p>Every case asserts: 503 with {@code Retry-After} and the constant body (or, within the stale
 * limit and for a fault the cache covers, 200 with the cached decision: any fault of the key set,
 * only throttling and timeouts of the policy store), no token in a refusal, exactly one audit
 * event ({@code error}/{@code transient}, or {@code allow} with the verified subject and the
 * deciding policy), that the fault was met, and that no later dependency (no single-use write
 * after a failed IAM proof, so its challenge is not consumed; no KMS {@code Sign}, no STS call
 * after a failed proof or policy step) was called. Bad input during an outage is refused with 400
 * before the dependency is called.
 *
 * <p><strong>Deadlines are preemptive.</strong> Each request runs on a thread of its own, and the
 * test waits for its answer only as long as docs/faults.md allows it: a faulted request the
 * dependency's bound plus {@link Deadlines#SLACK}, every other request the request deadline. A
 * request that has not answered by then fails its case at once, however long it would still
 * have hung.
 *
 * <p>Cases run four at a time, each in a new environment with its own clock, KMS fake, fake STS
 * for IAM proofs and proxies; the {@code AssumeRole} cases run alone, because the SDK reaches
 * STS through one JVM-wide endpoint. The build runs each case once with a 30 s slow fault; a
 * slow fault costs only as long as the client waits, because the proxy drops a request its
 * client gave up on. Longer runs: {@code -Dvend.faults.repetitions=N} sends each faulted request
 * N times, {@code -Dvend.faults.slow-seconds=S} makes the slow faults last S seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultMatrixTest {

    /** Held shared by requests that must see no STS call, exclusively by those that fault STS. */
    private static final String STS = "fault-matrix-sts";
    private static final int REPETITIONS = Integer.getInteger("vend.faults.repetitions", 1);
    private static final Duration SLOW =
            Duration.ofSeconds(Long.getLong("vend.faults.slow-seconds", 30));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNAVAILABLE = "{\"error\":\"temporarily_unavailable\","
            + "\"error_description\":\"The service is temporarily unavailable; retry with a fresh "
            + "proof.\",\"request_id\":\"%s\"}";
    private static final String REFUSED = "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"The subject token was not accepted.\",\"request_id\":\"%s\"}";
    private static final String MISSING = "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"A required parameter is missing.\",\"request_id\":\"%s\"}";

    private final AuditCapture audit = new AuditCapture();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private FaultyDeployment deployment;

    /** One cell of the matrix. */
    record Case(Dependency dependency, FaultMode fault, CacheState cache) {
        /** Whether the cached decision answers: within the stale limit, for a fault it covers. */
        boolean answersFromCache() {
            return cache.answersFromCache() && fault.staleCopyAnswers();
        }

        @Override
        public String toString() {
            return dependency + " " + fault + ", " + cache + " → "
                    + (answersFromCache() ? "200 with the cached decision" : "503");
        }
    }

    /** What a cell answered, and its slowest answer over the repetitions. */
    private record Result(int status, long millis) {
        Result slowest(Result other) {
            return millis >= other.millis ? this : other;
        }
    }

    /** What one request got: the response, its audit events, and how long it took. */
    private record Answer(APIGatewayV2HTTPResponse response, List<JsonNode> events,
            Duration elapsed) {
    }

    /** Requests each dependency received so far, and calls that reached KMS and STS. */
    private record Calls(Map<Dependency, Integer> requests, int kmsSigns, int stsCalls) {
        int of(Dependency dependency) {
            return requests.get(dependency);
        }
    }

    static Stream<Case> matrix() {
        return Stream.of(Dependency.values()).flatMap(dependency -> dependency.faults(SLOW)
                .stream().flatMap(fault -> dependency.cacheStates().stream()
                        .map(cache -> new Case(dependency, fault, cache))));
    }

    static Stream<Case> matrixWithoutSts() {
        return matrix().filter(cell -> cell.dependency() != Dependency.STS);
    }

    static Stream<Case> stsMatrix() {
        return matrix().filter(cell -> cell.dependency() == Dependency.STS);
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(Dependency.values()).map(d -> Arguments.of(d, d.badInput()));
    }

    @BeforeAll
    void deploy() throws IOException {
        deployment = FaultyDeployment.start();
        audit.attach();
        warmUpTheJvm();
    }

    @AfterAll
    void undeploy() throws IOException {
        audit.detach();
        if (deployment != null) {
            deployment.close();
        }
        System.out.println("| Case | Status | Slowest answer (ms) |\n|---|---|---|\n"
                + String.join("\n", matrix().map(Case::toString).filter(results::containsKey)
                        .map(cell -> "| " + cell + " | " + results.get(cell).status() + " | "
                                + results.get(cell).millis() + " |").toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrixWithoutSts")
    @Execution(ExecutionMode.CONCURRENT)
    @ResourceLock(value = STS, mode = ResourceAccessMode.READ)
    void tokenWhenDependencyFailsThenOutageOrCachedDecisionWithinDeadline(Case cell)
            throws IOException {
        meet(cell);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stsMatrix")
    @ResourceLock(value = STS, mode = ResourceAccessMode.READ_WRITE)
    void tokenWhenStsFailsThenOutageWithinDeadline(Case cell) throws IOException {
        try {
            meet(cell);
        } finally {
            deployment.stsProxy.heal();
        }
    }

    @ParameterizedTest(name = "{0} unavailable, cold cache: {1} → 400 before it is called")
    @MethodSource("badInputs")
    @ResourceLock(value = STS, mode = ResourceAccessMode.READ_WRITE)
    void tokenWhenInputIsBadDuringOutageThenRefusedBeforeTheDependencyIsCalled(
            Dependency dependency, BadInput input) throws IOException {
        try (Environment vend = deployment.coldStart()) {
            String form = input.form().apply(vend);
            Calls before = calls(vend);
            dependency.proxy(vend).inject(dependency.operation(), Fault.reset());

            Answer answer = exchange(vend, form, Deadlines.REQUEST);

            assertRefused(answer, REFUSED, input.reason());
            Calls after = calls(vend);
            assertThat(after.of(dependency)).as("requests to " + dependency)
                    .isEqualTo(before.of(dependency));
            assertNothingCalledAfter(dependency, before, after);
        } finally {
            deployment.stsProxy.heal();
        }
    }

    @Test
    @DisplayName("every dependency unavailable, cold cache: no subject token → 400, none called")
    @ResourceLock(value = STS, mode = ResourceAccessMode.READ_WRITE)
    void tokenWhenEveryDependencyIsDownAndAParameterIsMissingThenRefusedAndNoneCalled()
            throws IOException {
        try (Environment vend = deployment.coldStart()) {
            Calls before = calls(vend);
            List.of(vend.dynamoDbProxy, vend.kmsProxy, vend.jwksProxy, vend.iamStsProxy,
                    vend.stsProxy()).forEach(proxy -> proxy.inject(Fault.reset()));

            Answer answer = exchange(vend, "grant_type="
                    + ApiGatewayEvents.enc(ApiGatewayEvents.EXCHANGE) + "&subject_token_type="
                    + ApiGatewayEvents.enc(ApiGatewayEvents.JWT), Deadlines.REQUEST);

            assertRefused(answer, MISSING, "missing_parameter");
            assertThat(calls(vend)).isEqualTo(before);
        } finally {
            deployment.stsProxy.heal();
        }
    }

    /**
     * The documented deadlines, rebuilt from what the product sets: the API call timeout of the
     * DynamoDB, KMS and STS clients as Vend builds them, the fetcher's timeout and the IAM proof
     * transport's timeout (each exchange gets twice its timeout). A change to any of them that
     * moves the 21 s request deadline fails here, before docs/faults.md and the Lambda timeout
     * are out of date.
     */
    @Test
    @DisplayName("the documented deadlines are what the clients' timeouts add up to")
    void deadlinesWhenDerivedFromTheClientTimeoutsThenAsDocumented() {
        Duration dynamoDb = apiCallTimeout(DynamoDbClients.builder(null).region(Region.US_EAST_1));
        Duration kms = apiCallTimeout(KmsClients.builder(null).region(Region.US_EAST_1));
        Duration sts = apiCallTimeout(StsCredentialsVendor.clientBuilder(null)
                .region(Region.US_EAST_1));
        Duration fetch = HttpsFetcher.DEFAULT_TIMEOUT.multipliedBy(2);
        Duration stsProof = AwsVerifierConfig.STS_TIMEOUT.multipliedBy(2);

        assertThat(List.of(dynamoDb, kms, sts)).containsOnly(Deadlines.AWS_CALL);
        assertThat(fetch).isEqualTo(Deadlines.FETCH);
        assertThat(stsProof).isEqualTo(Deadlines.STS_PROOF);
        // The longest verify step (a key refresh through discovery, or the IAM proof's STS
        // call), then the single-use write, the policy query, and KMS Sign or STS AssumeRole.
        Duration verify = longer(fetch.multipliedBy(2), stsProof);
        assertThat(verify.plus(dynamoDb).plus(dynamoDb).plus(longer(kms, sts)))
                .isEqualTo(Deadlines.REQUEST);
    }

    /**
     * The matrix waits for a faulted request at most the dependency's bound plus the slack; that
     * wait must itself stay within the request deadline, or a case could pass an answer later
     * than docs/faults.md promises.
     */
    @Test
    @DisplayName("every dependency's bound plus the slack is within the request deadline")
    void deadlinesWhenADependencyFailsThenItsWaitIsWithinTheRequestDeadline() {
        for (Dependency dependency : Dependency.values()) {
            assertThat(deadlineOf(dependency)).as(dependency.toString())
                    .isLessThanOrEqualTo(Deadlines.REQUEST);
        }
    }

    /**
     * The deadline check itself: a request whose answer would come after its deadline fails the
     * test when the deadline passes, not when the answer comes (the key set's body stalls, so
     * Vend answers only after the fetch's 6 s; the deadline here is 1 s).
     */
    @Test
    @DisplayName("a request unanswered at its deadline fails then, not when it answers")
    void exchangeWhenNoAnswerByTheDeadlineThenFailsAtTheDeadline() {
        try (Environment vend = deployment.coldStart()) {
            String form = vend.tokenForm();
            vend.jwksProxy.inject(FaultyDeployment.JWKS, Fault.stallBody(SLOW));
            long start = System.nanoTime();

            assertThatThrownBy(() -> exchange(vend, form, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("no answer within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Deadlines.FETCH.minusSeconds(2));
        }
    }

    /** The whole-call timeout of a client built as Vend builds it. */
    private static Duration apiCallTimeout(SdkClientBuilder<?, ? extends SdkClient> builder) {
        try (SdkClient client = builder.build()) {
            return client.serviceClientConfiguration().overrideConfiguration().apiCallTimeout()
                    .orElseThrow(() -> new AssertionError(client.serviceName()
                            + " client has no API call timeout"));
        }
    }

    private static Duration longer(Duration one, Duration other) {
        return one.compareTo(other) >= 0 ? one : other;
    }

    // ---------------------------------------------------------------- steps

    /**
     * Starts a new environment, warms its caches if the cell says so, prepares the requests
     * (an IAM proof's challenge is issued before the fault), injects the fault and sends them
     * (as many as {@code vend.faults.repetitions} says), checking each answer.
     */
    private void meet(Case cell) throws IOException {
        Dependency dependency = cell.dependency();
        try (Environment vend = deployment.coldStart()) {
            warmUp(vend, dependency, cell.cache());
            List<String> forms = Stream.generate(() -> dependency.request(vend))
                    .limit(REPETITIONS).toList();
            Calls before = calls(vend);
            dependency.proxy(vend).inject(dependency.operation(), cell.fault().fault());

            for (String form : forms) {
                Answer answer = exchange(vend, form, deadlineOf(dependency));
                results.merge(cell.toString(), new Result(answer.response().getStatusCode(),
                        answer.elapsed().toMillis()), Result::slowest);

                if (cell.answersFromCache()) {
                    assertCachedDecision(answer);
                } else {
                    assertOutage(answer);
                }
            }

            Calls after = calls(vend);
            assertThat(after.of(dependency)).as("requests that met the fault")
                    .isGreaterThan(before.of(dependency));
            if (!cell.answersFromCache()) {
                assertNothingCalledAfter(dependency, before, after);
            }
        }
    }

    /**
     * Sends the form on a thread of its own and waits for the answer at most {@code limit}: a
     * request still unanswered then fails the test at once (the thread is interrupted and left
     * to end by itself). The audit events are read on the request's thread, so they are its own.
     */
    private Answer exchange(Environment vend, String form, Duration limit) {
        return assertTimeoutPreemptively(limit, () -> {
            audit.clearThisThread();
            long start = System.nanoTime();
            APIGatewayV2HTTPResponse response = vend.exchange(form);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Answer(response, audit.eventsOfThisThread(), elapsed);
        }, () -> "no answer within " + limit.toMillis() + " ms");
    }

    /** How long a request that meets a fault of the dependency may take to answer. */
    private static Duration deadlineOf(Dependency dependency) {
        return dependency.bound().plus(Deadlines.SLACK);
    }

    /**
     * Loads and compiles what every environment runs, once and alone: otherwise the first cases,
     * started together, each pay for it at once and measure a busy JVM instead of Vend.
     */
    private void warmUpTheJvm() {
        try (Environment vend = deployment.coldStart()) {
            for (Dependency dependency : List.of(Dependency.JWKS, Dependency.IAM_PROOF,
                    Dependency.STS)) {
                Answer answer = exchange(vend, dependency.request(vend), Deadlines.REQUEST);
                assertThat(answer.response().getStatusCode()).as(answer.response().getBody())
                        .isEqualTo(200);
            }
        }
        audit.clearThisThread();
    }

    /** Fills the caches with one successful request, then ages them. */
    private void warmUp(Environment vend, Dependency dependency, CacheState cache) {
        if (!cache.warm()) {
            return;
        }
        APIGatewayV2HTTPResponse response = exchange(vend, dependency.request(vend),
                Deadlines.REQUEST).response();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        vend.clock.advance(dependency.age(cache));
    }

    private static Calls calls(Environment vend) {
        var requests = new EnumMap<Dependency, Integer>(Dependency.class);
        for (Dependency dependency : Dependency.values()) {
            requests.put(dependency, dependency.proxy(vend).requests(dependency.operation()));
        }
        return new Calls(requests, vend.kms.calls("Sign"), vend.sts().calls());
    }

    // ---------------------------------------------------------------- assertions

    private static void assertOutage(Answer answer) throws IOException {
        APIGatewayV2HTTPResponse response = answer.response();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
        assertThat(headers(response)).containsEntry("retry-after", "5")
                .containsEntry("cache-control", "no-store");
        assertThat(response.getBody()).doesNotContain("access_token").doesNotContain("eyJ")
                .isEqualTo(UNAVAILABLE.formatted(requestId(response)));
        assertThat(answer.events()).singleElement().satisfies(event -> {
            assertThat(event.path("decision").asText()).isEqualTo("error");
            assertThat(event.path("reason").asText()).isEqualTo("transient");
            assertThat(event.has("token_jti")).isFalse();
        });
    }

    /** 200, with a token the audit shows was issued for a verified subject by a policy. */
    private static void assertCachedDecision(Answer answer) throws IOException {
        APIGatewayV2HTTPResponse response = answer.response();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(JSON.readTree(response.getBody()).path("access_token").asText()).isNotBlank();
        assertThat(answer.events()).singleElement().satisfies(event -> {
            assertThat(event.path("decision").asText()).isEqualTo("allow");
            assertThat(event.path("subject").asText()).isEqualTo("oidc:ci:1001:123");
            assertThat(event.path("policy_id").asText()).isEqualTo(FaultyDeployment.TOKEN_POLICY);
            assertThat(event.path("policy_version").asText()).isNotBlank();
        });
    }

    private static void assertRefused(Answer answer, String body, String reason)
            throws IOException {
        APIGatewayV2HTTPResponse response = answer.response();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(headers(response)).doesNotContainKey("retry-after");
        assertThat(response.getBody()).isEqualTo(body.formatted(requestId(response)));
        assertThat(answer.events()).singleElement().satisfies(event -> {
            assertThat(event.path("decision").asText()).isEqualTo("deny");
            assertThat(event.path("reason").asText()).isEqualTo(reason);
        });
    }

    /**
     * Nothing after the failed step ran: no dependency later in the pipeline (nor the other
     * issuing one) was asked, and neither KMS nor STS saw a call unless it failed itself.
     */
    private static void assertNothingCalledAfter(Dependency failed, Calls before, Calls after) {
        for (Dependency other : Dependency.values()) {
            if (other != failed && !failed.after(other)) {
                assertThat(after.of(other)).as("requests to %s after %s failed", other, failed)
                        .isEqualTo(before.of(other));
            }
        }
        if (failed != Dependency.KMS) {
            assertThat(after.kmsSigns()).as("KMS Sign calls").isEqualTo(before.kmsSigns());
        }
        if (failed != Dependency.STS) {
            assertThat(after.stsCalls()).as("STS calls").isEqualTo(before.stsCalls());
        }
    }

    private static String requestId(APIGatewayV2HTTPResponse response) throws IOException {
        JsonNode body = JSON.readTree(response.getBody());
        String requestId = body.path("request_id").asText();
        assertThat(requestId).matches("[0-9a-f]{32}");
        return requestId;
    }

    /** The response headers by lower-case name, single- and multi-valued ones together. */
    private static Map<String, String> headers(APIGatewayV2HTTPResponse response) {
        var headers = new TreeMap<String, String>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) ->
                    headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        }
        return headers;
    }
}
