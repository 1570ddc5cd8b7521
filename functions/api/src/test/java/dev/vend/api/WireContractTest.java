// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.testsupport.LogSearch;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire contracts of DESIGN: refusals that give no oracle, exactly one audit event per
 * {@code POST /token} on every path, no token or proof bytes in any log line, and the payload
 * shapes of field case BUG-27 as adapted for Vend.
 */
class WireContractTest {

    private static final String ISSUER = "https://ci.example.test";
    private static final String AUDIENCE = LambdaHarness.VEND_ISSUER;
    private static final ECKey KEY = TestKeys.ecP256();
    private static final ECKey OTHER_KEY = TestKeys.ecP256(1);

    @TempDir
    Path dir;

    private LambdaHarness vend;

    @BeforeEach
    void start() throws Exception {
        Path jwks = dir.resolve("ci-jwks.json");
        Files.writeString(jwks, new JWKSet(KEY.toPublicJWK()).toString());
        String issuers = """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                    singleUseJti: true
                    claims: {repository: string}
                """.formatted(ISSUER, jwks);
        String policy = """
                apiVersion: vend.dev/v1
                id: ci-workload-1
                issuer: ci
                conditions:
                  sub: workload-1
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read, write]
                """;
        vend = LambdaHarness.start(dir, issuers, Map.of("ci.yaml", policy), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        vend.close();
    }

    @Test
    void tokenWhenBadSignatureOrPolicyRefusalThenResponsesAreIdenticalOnceMasked() {
        List<APIGatewayV2HTTPResponse> refusals = new ArrayList<>();
        refusals.add(vend.handle(LambdaHarness.tokenEvent(form(token(OTHER_KEY, "workload-1")))));
        refusals.add(vend.handle(LambdaHarness.tokenEvent(form(token(KEY, "workload-2")))));
        refusals.add(vend.handle(LambdaHarness.tokenEvent(form(expiredToken()))));
        refusals.add(vend.handle(LambdaHarness.tokenEvent(
                form(token(KEY, "workload-1")) + "&audience=https%3A%2F%2Fother.example")));
        refusals.add(vend.handle(LambdaHarness.tokenEvent(
                form(token(KEY, "workload-1")) + "&scope=admin")));

        assertThat(vend.auditEvents()).extracting(event -> event.get("reason").asText())
                .containsExactly("unknown_key", "no_matching_policy", "expired",
                        "audience_not_entitled", "scope_not_entitled");
        APIGatewayV2HTTPResponse first = refusals.get(0);
        for (APIGatewayV2HTTPResponse other : refusals) {
            assertThat(other.getStatusCode()).isEqualTo(400).isEqualTo(first.getStatusCode());
            assertThat(other.getBody().length()).isEqualTo(first.getBody().length());
            assertThat(masked(other.getBody())).isEqualTo(masked(first.getBody()));
            assertThat(maskedHeaders(other)).isEqualTo(maskedHeaders(first));
        }
        assertThat(first.getBody()).startsWith("{\"error\":\"invalid_request\","
                + "\"error_description\":\"The subject token was not accepted.\"");
    }

    @Test
    void tokenWhenSignedByUnknownKeyWithTheIssuersKidThenRefusedAsBadSignature() {
        String forged = TestTokens.signedWith(OTHER_KEY).keyId(KEY.getKeyID()).issuer(ISSUER)
                .subject("workload-1").audience(AUDIENCE).sign();

        assertThat(vend.handle(LambdaHarness.tokenEvent(form(forged))).getStatusCode())
                .isEqualTo(400);
        assertThat(vend.auditEvents()).singleElement().satisfies(event ->
                assertThat(event.get("reason").asText()).isEqualTo("bad_signature"));
    }

    @Test
    void tokenWhenEveryKindOfRequestThenExactlyOneAuditEventEach() {
        List<APIGatewayV2HTTPEvent> events = new ArrayList<>();
        events.add(LambdaHarness.tokenEvent(form(token(KEY, "workload-1"))));
        events.add(LambdaHarness.tokenEvent(form(token(OTHER_KEY, "workload-1"))));
        events.add(LambdaHarness.tokenEvent(form(token(KEY, "workload-9"))));
        events.add(LambdaHarness.tokenEvent("grant_type=password"));
        events.add(LambdaHarness.tokenEvent("grant_type=a&grant_type=b"));
        events.add(LambdaHarness.tokenEvent(""));
        events.add(LambdaHarness.tokenEvent("subject_token=%ZZ"));
        events.add(withQuery(LambdaHarness.tokenEvent(form(token(KEY, "workload-1")))));
        events.add(LambdaHarness.event("POST", "/token", null, form(token(KEY, "workload-1"))));
        events.add(LambdaHarness.event("POST", "/token",
                new HashMap<>(Map.of("content-type", "application/json")), "{}"));
        events.add(LambdaHarness.tokenEvent("a=" + "x".repeat(17 * 1024)));
        events.add(v1Event());

        List<Integer> statuses = events.stream().map(vend::handle)
                .map(APIGatewayV2HTTPResponse::getStatusCode).toList();

        assertThat(statuses).containsExactly(200, 400, 400, 400, 400, 400, 400, 400, 400, 400,
                413, 400);
        assertThat(vend.auditEvents()).hasSize(events.size())
                .extracting(event -> event.path("reason").asText())
                .containsExactly("", "unknown_key", "no_matching_policy",
                        "unsupported_grant_type", "repeated_parameter", "missing_parameter",
                        "malformed_request", "query_string_not_allowed",
                        "unsupported_content_type", "unsupported_content_type",
                        "request_too_large", "unsupported_event");
    }

    @Test
    void tokenWhenHeaderCaseVariesOrBodyIsBase64ThenSameDecision() {
        String form = form(token(KEY, "workload-1"));
        var upper = LambdaHarness.event("POST", "/token",
                new HashMap<>(Map.of("CONTENT-TYPE", LambdaHarness.FORM + "; charset=UTF-8")),
                form);
        var encoded = LambdaHarness.tokenEvent(
                Base64.getEncoder().encodeToString(form(token(KEY, "workload-1"))
                        .getBytes(StandardCharsets.UTF_8)));
        encoded.setIsBase64Encoded(true);

        assertThat(vend.handle(upper).getStatusCode()).isEqualTo(200);
        assertThat(vend.handle(encoded).getStatusCode()).isEqualTo(200);
    }

    @Test
    void tokenWhenAudienceRepeatedThenAllRequestedAudiencesMustBeEntitled() {
        var both = LambdaHarness.tokenEvent(form(token(KEY, "workload-1"))
                + "&audience=https%3A%2F%2Fapi.example.com&resource=https%3A%2F%2Fapi.example.com");

        APIGatewayV2HTTPResponse response = vend.handle(both);

        assertThat(response.getStatusCode()).isEqualTo(200);
    }

    @Test
    void tokenWhenVersionDisagreesWithContextOrContextMissingThenRefusedNotThrown() {
        var wrongVersion = LambdaHarness.tokenEvent(form(token(KEY, "workload-1")));
        wrongVersion.setVersion("1.0");
        var noContext = LambdaHarness.tokenEvent(form(token(KEY, "workload-1")));
        noContext.setRequestContext(null);

        assertThat(vend.handle(wrongVersion).getStatusCode()).isEqualTo(400);
        assertThat(vend.handle(noContext).getStatusCode()).isEqualTo(400);
        assertThat(vend.handle(null).getStatusCode()).isEqualTo(400);
        assertThat(vend.auditEvents()).extracting(event -> event.get("reason").asText())
                .containsOnly("unsupported_event");
    }

    @Test
    void logsWhenTokensExchangedAndRefusedThenNoTokenOrProofBytesAppear() {
        String proof = token(KEY, "workload-1");
        String forged = token(OTHER_KEY, "workload-1");
        APIGatewayV2HTTPResponse issued = vend.handle(LambdaHarness.tokenEvent(form(proof)));
        vend.handle(LambdaHarness.tokenEvent(form(proof)));
        vend.handle(LambdaHarness.tokenEvent(form(forged)));
        String accessToken = LambdaHarness.parse(issued.getBody()).get("access_token").asText();

        String logs = String.join("\n", vend.logLines());

        assertThat(vend.auditEvents()).hasSize(3);
        for (String secret : List.of(proof, forged, accessToken)) {
            LogSearch.assertNoneIn(logs, LogSearch.jwsParts(secret), List.of());
        }
    }

    @Test
    void jwksAndDiscoveryWhenFetchedThenPublicAndConsistent() {
        JsonNode discovery = LambdaHarness.parse(
                vend.get("/.well-known/openid-configuration").getBody());
        APIGatewayV2HTTPResponse jwks = vend.get("/.well-known/jwks.json");

        assertThat(discovery.get("issuer").asText()).isEqualTo(LambdaHarness.VEND_ISSUER);
        assertThat(discovery.get("jwks_uri").asText())
                .isEqualTo(LambdaHarness.VEND_ISSUER + "/.well-known/jwks.json");
        assertThat(jwks.getHeaders().get("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(jwks.getBody()).doesNotContain("\"d\"");
        assertThat(vend.auditEvents()).isEmpty();
    }

    private static String token(ECKey key, String subject) {
        return TestTokens.signedWith(key).issuer(ISSUER).subject(subject).audience(AUDIENCE)
                .claim("repository", "acme/app").sign();
    }

    private static String expiredToken() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return TestTokens.signedWith(KEY).issuer(ISSUER).subject("workload-1").audience(AUDIENCE)
                .issuedAt(past).expiresAt(past.plusSeconds(300)).sign();
    }

    private static String form(String subjectToken) {
        return "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static APIGatewayV2HTTPEvent withQuery(APIGatewayV2HTTPEvent event) {
        event.setRawQueryString("subject_token=x");
        return event;
    }

    /** What a REST API (payload 1.0) event looks like once read as a 2.0 event. */
    private static APIGatewayV2HTTPEvent v1Event() {
        var event = new APIGatewayV2HTTPEvent();
        event.setHeaders(new HashMap<>(Map.of("Content-Type", LambdaHarness.FORM)));
        event.setBody("grant_type=x");
        return event;
    }

    private static String masked(String body) {
        return body.replaceAll("\"request_id\":\"[0-9a-f]{32}\"", "\"request_id\":\"-\"");
    }

    private static Map<String, String> maskedHeaders(APIGatewayV2HTTPResponse response) {
        var headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.getHeaders());
        headers.replace("Date", "-");
        return headers;
    }
}
