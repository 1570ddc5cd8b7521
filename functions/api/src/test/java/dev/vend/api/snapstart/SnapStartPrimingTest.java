// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.RestoreAware;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.challenge.Challenges;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.vend.RequestIds;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.JwksCache;
import dev.vend.verify.SingleUseStore;
import io.micronaut.context.ApplicationContext;
import io.micronaut.crac.test.CheckpointSimulator;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SnapStart's hooks driven by Micronaut's {@link CheckpointSimulator} on the deployment's own
 * application context, with a remote (HTTPS) issuer so there is key freshness to lose, and a
 * clock that moves two hours between snapshot and restore. Field case BUG-26 as adapted: KMS and
 * static public keys may be kept; credentials, connections, clocks, JWKS freshness and key-state
 * decisions may not. Which state each component holds is found independently, by reflection, in
 * {@link RestoreSensitiveStateTest}; here, what priming does and what the hook list holds.
 */
class SnapStartPrimingTest {

    private static final String VEND = "https://vend.test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SNAPSHOT_TIME =
            Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Instant RESTORE_TIME = SNAPSHOT_TIME.plus(Duration.ofHours(2));

    @TempDir
    Path dir;

    private TestOidcIssuer issuer;
    private HttpsFetcher fetcher;
    private ApplicationContext context;
    private VendLambdaHandler handler;
    private final MovableClock clock = new MovableClock(SNAPSHOT_TIME);
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private final CountingStore singleUse = new CountingStore();

    @BeforeEach
    void start() throws Exception {
        issuer = TestOidcIssuer.start();
        fetcher = new HttpsFetcher(issuer.sslContext(), Duration.ofSeconds(3));
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    discovery: true
                    allowPrivateNetwork: true
                    algorithms: [RS256]
                    singleUseJti: true
                """.formatted(issuer.issuer()));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("ci.yaml"), """
                apiVersion: vend.dev/v1
                id: ci-workload-1
                issuer: ci
                conditions:
                  sub: workload-1
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read]
                """);
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", VEND);
        properties.put("vend.issuers-file", issuers.toString());
        properties.put("vend.policies-folder", policies.toString());
        properties.put("vend.state-dir", dir.resolve("state").toString());
        AuditLog recording = audit::add;
        context = ApplicationContext.builder()
                .environments("function", "lambda", "test")
                .properties(properties)
                .singletons(clock, recording, singleUse, fetcher)
                .start();
        handler = new VendLambdaHandler(context);
    }

    @AfterEach
    void stop() {
        context.close();
        issuer.close();
    }

    @Test
    void restoreAwareWhenListedThenEachComponentOnceAndThePublicationCheckLast() {
        List<RestoreAware> components = context.getBean(SnapStartPriming.class).restoreAware();

        assertThat(components.get(0)).isInstanceOf(JwksCache.class);
        assertThat(components).filteredOn(JwksCache.class::isInstance).hasSize(1);
        assertThat(components).filteredOn(RestoreAwareClient.class::isInstance)
                .extracting(client -> ((RestoreAwareClient<?>) client).name())
                .containsExactlyInAnyOrder("dynamodb", "kms", "sts");
        assertThat(components).contains(fetcher);
        // One for the verifiers, which consume them; one for POST /challenge, which issues them.
        assertThat(components).filteredOn(Challenges.class::isInstance).hasSize(2);
        assertThat(components).contains(RequestIds.restoreAware());
        assertThat(components).doesNotHaveDuplicates();
        assertThat(components.get(components.size() - 1)).isInstanceOf(PublicationCheck.class);
        assertThat(components).filteredOn(PublicationCheck.class::isInstance).hasSize(1);
    }

    @Test
    void afterRestoreWhenTheClockMovedThenThePublicationIsCheckedAgainAtTheRestoresTime() {
        assertThat(vend("workload-1").getStatusCode()).isEqualTo(200);
        var simulator = context.getBean(CheckpointSimulator.class);
        simulator.runBeforeCheckpoint();
        clock.set(RESTORE_TIME);

        simulator.runAfterRestore();

        assertThat(context.getBean(SnapStartPriming.class).restoreAware())
                .filteredOn(PublicationCheck.class::isInstance).singleElement()
                .satisfies(check -> assertThat(check.restoreState())
                        .isEqualTo("key publication checked_at=" + RESTORE_TIME));
    }

    @Test
    void beforeCheckpointWhenPrimingThenVendsSyntheticallyWithoutAuditSingleUseOrNetwork() {
        int fetchesBefore = issuer.discoveryFetches() + issuer.jwksFetches();
        var priming = context.getBean(SnapStartPriming.class);

        context.getBean(CheckpointSimulator.class).runBeforeCheckpoint();

        assertThat(priming.lastPrimingStatuses()).contains(List.of(200, 200, 200));
        assertThat(audit).isEmpty();
        assertThat(singleUse.calls()).isZero();
        assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isEqualTo(fetchesBefore);
        // The generator of request ids is the process's, so priming's own requests made it;
        // the restore hook makes it anew (RestoreSensitiveStateTest).
        assertThat(priming.restoreAware())
                .filteredOn(c -> !(c instanceof PublicationCheck))
                .filteredOn(c -> c != RequestIds.restoreAware())
                .allSatisfy(c -> assertThat(c.restoreState()).isEqualTo("none"));
    }

    @Test
    void firstRequestAfterRestoreWhenSnapshotIsTwoHoursOldThenIssuesWithFreshKeysAndTime()
            throws Exception {
        assertThat(vend("workload-1").getStatusCode()).isEqualTo(200);
        int jwksFetches = issuer.jwksFetches();
        var simulator = context.getBean(CheckpointSimulator.class);
        simulator.runBeforeCheckpoint();
        clock.set(RESTORE_TIME);
        simulator.runAfterRestore();

        APIGatewayV2HTTPResponse response = vend("workload-1");

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getBody());
        var claims = SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(RESTORE_TIME);
        assertThat(Duration.between(claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant()).getSeconds())
                .isEqualTo(body.get("expires_in").asLong());
        assertThat(issuer.jwksFetches()).isEqualTo(jwksFetches + 1);
        assertThat(audit).hasSize(2);
        assertThat(singleUse.calls()).isEqualTo(2);
    }

    private APIGatewayV2HTTPResponse vend(String subject) {
        String token = issuer.token().clock(clock).subject(subject).audience(VEND).sign();
        String form = "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(token)
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:jwt")
                + "&audience=" + encode("https://api.example.com");
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod("POST").withPath("/token").withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("vend-test").build();
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("req-1").withRouteKey("POST /token")
                .withStage("$default").withAccountId("123456789012").withApiId("api")
                .withDomainName("vend.test").withTimeEpoch(clock.millis()).build();
        var event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("POST /token").withRawPath("/token")
                .withRawQueryString("")
                .withHeaders(new HashMap<>(Map.of("content-type",
                        "application/x-www-form-urlencoded")))
                .withRequestContext(requestContext)
                .withBody(form).withIsBase64Encoded(false).build();
        return handler.handleRequest(event, new MockLambdaContext());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A clock the test moves; thread-safe. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Counts consume calls on the deployment's single-use store. */
    static final class CountingStore implements SingleUseStore {
        private final SingleUseStore delegate = new InMemorySingleUseStore();
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public boolean consume(String key, Instant expiresAt, Instant now) {
            calls.incrementAndGet();
            return delegate.consume(key, expiresAt, now);
        }

        int calls() {
            return calls.get();
        }
    }
}
