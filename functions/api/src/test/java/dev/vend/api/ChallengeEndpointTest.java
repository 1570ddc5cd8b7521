// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /challenge} through the Lambda handler, and a challenge carried by a Compute Engine
 * token through {@code POST /token}: one audit event per call, one use per challenge.
 */
class ChallengeEndpointTest {

    private static final RSAKey GOOGLE_KEY = TestKeys.rsa2048();

    @TempDir
    Path dir;

    private LambdaHarness vend;

    @BeforeEach
    void start() throws Exception {
        Path jwks = dir.resolve("google.json");
        Files.writeString(jwks, new JWKSet(GOOGLE_KEY.toPublicJWK()).toString());
        String issuers = """
                issuers:
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    algorithms: [RS256]
                    jwksFile: %s
                """.formatted(jwks);
        String policy = """
                apiVersion: vend.dev/v1
                id: gce-builder
                issuer: gce
                conditions:
                  instance_id: "2589221140676718026"
                  project_id: vend-prod-4711
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read]
                """;
        vend = LambdaHarness.start(dir, issuers, Map.of("gce.yaml", policy), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        vend.close();
    }

    @Test
    void challengeWhenPostedThenThirtyTwoCharNonceValidFiveMinutesAndOneAuditEvent() {
        APIGatewayV2HTTPResponse response = challenge();

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = LambdaHarness.parse(response.getBody());
        assertThat(body.get("challenge").asText()).matches("[a-z0-9]{32}");
        assertThat(body.get("expires_in").asLong()).isEqualTo(300);
        assertThat(body.size()).isEqualTo(2);
        assertThat(response.getHeaders()).containsEntry("Cache-Control", "no-store");
        assertThat(vend.auditEvents()).singleElement().satisfies(event -> {
            assertThat(event.get("operation").asText()).isEqualTo("challenge");
            assertThat(event.get("decision").asText()).isEqualTo("allow");
        });
        String challenge = body.get("challenge").asText();
        assertThat(vend.logLines()).noneMatch(line -> line.contains(challenge));
    }

    @Test
    void challengeWhenPostedWithAnEmptyFormOrJsonBodyThenStillIssued() {
        var form = LambdaHarness.event("POST", "/challenge", new java.util.HashMap<>(
                Map.of("content-type", LambdaHarness.FORM)), "");
        var json = LambdaHarness.event("POST", "/challenge", new java.util.HashMap<>(
                Map.of("content-type", "application/json")), "{}");

        assertThat(vend.handle(form).getStatusCode()).isEqualTo(200);
        assertThat(vend.handle(json).getStatusCode()).isEqualTo(200);
        assertThat(vend.auditEvents()).hasSize(2);
    }

    @Test
    void challengeWhenPostedTwiceThenTwoDifferentNoncesAndTwoAuditEvents() {
        String first = LambdaHarness.parse(challenge().getBody()).get("challenge").asText();
        String second = LambdaHarness.parse(challenge().getBody()).get("challenge").asText();

        assertThat(first).isNotEqualTo(second);
        assertThat(vend.auditEvents()).hasSize(2);
    }

    @Test
    void tokenWhenGceTokenCarriesChallengeThenIssuedOnceAndReplayRefused() {
        String nonce = LambdaHarness.parse(challenge().getBody()).get("challenge").asText();
        String token = TestTokens.signedWith(GOOGLE_KEY).issuer("https://accounts.google.com")
                .subject("104070955682298736149")
                .audience(LambdaHarness.VEND_ISSUER + "?challenge=" + nonce)
                .claim("google", Map.of("compute_engine", Map.of(
                        "instance_id", "2589221140676718026", "instance_name", "builder-1",
                        "project_id", "vend-prod-4711", "project_number", 161958465613L,
                        "zone", "us-east1-b")))
                .sign();

        APIGatewayV2HTTPResponse first = vend.handle(LambdaHarness.tokenEvent(form(token)));
        APIGatewayV2HTTPResponse replay = vend.handle(LambdaHarness.tokenEvent(form(token)));

        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(200);
        assertThat(replay.getStatusCode()).isEqualTo(400);
        assertThat(vend.auditEvents()).extracting(event -> event.path("reason").asText(""))
                .containsExactly("", "", "replayed");
    }

    @Test
    void challengeWhenEventVersionDisagreesThenRefusedAndAuditedAsChallenge() {
        var event = LambdaHarness.event("POST", "/challenge", new HashMap<>(), null);
        event.setVersion("1.0");

        assertThat(vend.handle(event).getStatusCode()).isEqualTo(400);
        assertThat(vend.auditEvents()).singleElement().satisfies(audit -> {
            assertThat(audit.get("operation").asText()).isEqualTo("challenge");
            assertThat(audit.get("reason").asText()).isEqualTo("unsupported_event");
        });
    }

    private APIGatewayV2HTTPResponse challenge() {
        return vend.handle(LambdaHarness.event("POST", "/challenge", new HashMap<>(), null));
    }

    private static String form(String subjectToken) {
        return "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
