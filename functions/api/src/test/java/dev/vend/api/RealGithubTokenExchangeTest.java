// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.testsupport.RealDocs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The genuine GitHub Actions token of {@code realdocs/github-oidc}, exchanged through the Lambda
 * handler with the GitHub JWKS of its day. Each case starts a fresh handler, and so a fresh
 * single-use store, and asserts the audit reason, so no refusal passes for the wrong reason.
 */
class RealGithubTokenExchangeTest {

    private static final String TOKEN_FILE = "github-oidc/token-01-stepsecurity-2022-08-05.jwt";
    private static final String JWKS_FILE = "github-oidc/github-jwks-2022-snapshot.json";
    /** Inside the token's own lifetime: iat 1659662993, exp 1659663293. */
    private static final Clock TOKEN_TIME =
            Clock.fixed(Instant.ofEpochSecond(1_659_663_100L), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void exchangeWhenPolicyPinsTheRepositoryIdThenIssuesTokenVerifiableWithPublishedJwks()
            throws Exception {
        try (var vend = harness(policyFor("433903792"), TOKEN_TIME)) {
            APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(form()));

            assertThat(response.getStatusCode()).isEqualTo(200);
            JsonNode body = LambdaHarness.parse(response.getBody());
            assertThat(body.get("issued_token_type").asText())
                    .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
            assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(body.get("expires_in").asLong()).isEqualTo(300);
            assertThat(body.get("scope").asText()).isEqualTo("publish");

            SignedJWT jwt = SignedJWT.parse(body.get("access_token").asText());
            JWKSet jwks = JWKSet.parse(vend.get("/.well-known/jwks.json").getBody());
            ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
            assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));

            var claims = jwt.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(LambdaHarness.VEND_ISSUER);
            assertThat(claims.getSubject())
                    .isEqualTo("oidc:github-actions:25015917:433903792")
                    .isNotEqualTo("repo:varunsh-coder/actions-playground:ref:refs/heads/main");
            assertThat(claims.getAudience()).containsExactly("https://releases.example.com");
            assertThat(claims.getStringClaim("client_id")).isEqualTo("playground-release");
            assertThat(claims.getIssueTime().toInstant()).isEqualTo(TOKEN_TIME.instant());

            assertThat(vend.auditEvents()).singleElement().satisfies(event -> {
                assertThat(event.get("decision").asText()).isEqualTo("allow");
                assertThat(event.get("policy_id").asText()).isEqualTo("playground-release");
                assertThat(event.get("token_jti").asText()).isEqualTo(claims.getJWTID());
            });
        }
    }

    @Test
    void exchangeWhenPolicyIsForAnotherRepositoryThenRefusedByPolicy() {
        try (var vend = harness(policyFor("999999"), TOKEN_TIME)) {
            APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(form()));

            assertThat(response.getStatusCode()).isEqualTo(400);
            assertThat(response.getBody()).contains("\"error\":\"invalid_request\"");
            assertThat(vend.auditEvents()).singleElement().satisfies(event ->
                    assertThat(event.get("reason").asText()).isEqualTo("no_matching_policy"));
        }
    }

    @Test
    void exchangeWhenTodayThenRefusedAsExpired() {
        try (var vend = harness(policyFor("433903792"), Clock.systemUTC())) {
            APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(form()));

            assertThat(response.getStatusCode()).isEqualTo(400);
            assertThat(vend.auditEvents()).singleElement().satisfies(event ->
                    assertThat(event.get("reason").asText()).isEqualTo("expired"));
        }
    }

    @Test
    void exchangeWhenSameTokenTwiceThenSecondIsRefusedAsReplayed() {
        try (var vend = harness(policyFor("433903792"), TOKEN_TIME)) {
            assertThat(vend.handle(LambdaHarness.tokenEvent(form())).getStatusCode()).isEqualTo(200);
            assertThat(vend.handle(LambdaHarness.tokenEvent(form())).getStatusCode()).isEqualTo(400);
            assertThat(vend.auditEvents()).extracting(event -> event.path("reason").asText())
                    .containsExactly("", "replayed");
        }
    }

    private LambdaHarness harness(String policy, Clock clock) {
        Path jwks = RealDocs.resolve(JWKS_FILE);
        String issuers = """
                issuers:
                  - id: github-actions
                    issuer: https://token.actions.githubusercontent.com
                    preset: github-actions
                    jwksFile: %s
                    algorithms: [RS256]
                    # GitHub's default audience is shared by every relying party of the owner;
                    # only this test entry accepts it.
                    audiences: [https://github.com/varunsh-coder]
                    allowSharedAudiences: true
                """.formatted(jwks.toAbsolutePath());
        return LambdaHarness.start(dir, issuers, Map.of("release.yaml", policy), clock);
    }

    private static String policyFor(String repositoryId) {
        return """
                apiVersion: vend.dev/v1
                id: playground-release
                issuer: github-actions
                conditions:
                  repository_owner_id: "25015917"
                  repository_id: "%s"
                  ref: refs/heads/main
                issue:
                  audiences: [https://releases.example.com]
                  scopes: [publish]
                  carry: [repository, ref]
                """.formatted(repositoryId);
    }

    static String form() {
        return "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(RealDocs.read(TOKEN_FILE).strip())
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
