// SPDX-License-Identifier: Apache-2.0
package dev.vend.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS credentials end to end through the Lambda handler: a verified workload asks for
 * {@code urn:vend:params:oauth:token-type:aws-credentials}, Vend assumes the policy's role at the
 * STS fake (SigV4 checked, session tags and source identity from verified attributes, the
 * {@code vend:policy_id} tag) and answers in RFC 8693 form plus the AWS CLI
 * {@code credential_process} members.
 */
class AwsCredentialsExchangeTest {

    private static final String ISSUER = "https://ci.example.test";
    private static final ECKey KEY = TestKeys.ecP256();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The SDK's default chains read these before anything else. */
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.accessKeyId", FakeSts.CALLER_ACCESS_KEY_ID,
            "aws.secretAccessKey", FakeSts.CALLER_SECRET_KEY,
            "aws.sessionToken", FakeSts.CALLER_SESSION_TOKEN,
            "aws.region", "us-east-1");

    @TempDir
    Path dir;

    private FakeSts sts;
    private String role;
    private LambdaHarness vend;

    @BeforeEach
    void start() throws Exception {
        sts = FakeSts.start();
        role = sts.createRole("deploy");
        SDK_PROPERTIES.forEach(System::setProperty);
        System.setProperty("aws.endpointUrlSts", sts.endpoint().toString());
        Path jwks = dir.resolve("ci-jwks.json");
        Files.writeString(jwks, new JWKSet(KEY.toPublicJWK()).toString());
        String issuers = """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                    claims: {repository: string}
                """.formatted(ISSUER, jwks);
        String policy = """
                apiVersion: vend.dev/v1
                id: ci-deploy
                issuer: ci
                conditions:
                  sub: workload-1
                issue:
                  awsRole:
                    roleArn: %s
                    maxLifetimeSeconds: 900
                    sourceIdentity: sub
                    sessionTags:
                      repository: "${repository}"
                """.formatted(role);
        vend = LambdaHarness.start(dir, issuers, Map.of("ci.yaml", policy), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        vend.close();
        sts.close();
        SDK_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrlSts");
    }

    private static String form(String subject) {
        String token = TestTokens.signedWith(KEY).issuer(ISSUER).subject(subject)
                .audience(LambdaHarness.VEND_ISSUER).claim("repository", "acme/app").sign();
        return "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(token)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt")
                + "&requested_token_type=" + enc("urn:vend:params:oauth:token-type:aws-credentials");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void tokenWhenAwsCredentialsRequestedThenCredentialProcessBodyFromAssumedRole()
            throws Exception {
        APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(
                form("workload-1")));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getBody());
        FakeSts.Session session = sts.sessions().get(0);
        assertThat(body.get("token_type").asText()).isEqualTo("N_A");
        assertThat(body.get("issued_token_type").asText())
                .isEqualTo("urn:vend:params:oauth:token-type:aws-credentials");
        assertThat(body.get("access_token").asText()).isEqualTo(session.sessionToken());
        assertThat(body.get("Version").asInt()).isEqualTo(1);
        assertThat(body.get("AccessKeyId").asText()).isEqualTo(session.accessKeyId());
        assertThat(body.get("SessionToken").asText()).isEqualTo(session.sessionToken());
        assertThat(body.get("SecretAccessKey").asText()).isNotBlank();
        assertThat(Instant.parse(body.get("Expiration").asText()))
                .isAfter(Instant.now().plusSeconds(800));
        // Up to a second more: STS counts from its own clock, after Vend stamped iat.
        assertThat(body.get("expires_in").asLong()).isBetween(890L, 901L);
        assertThat(response.getHeaders()).containsEntry("Cache-Control", "no-store");
        assertThat(session.roleArn()).isEqualTo(role);
        assertThat(session.durationSeconds()).isEqualTo(900);
        assertThat(session.sourceIdentity()).isEqualTo("workload-1");
        assertThat(session.tags()).containsEntry("vend:policy_id", "ci-deploy")
                .containsEntry("repository", "acme/app");
        String secret = body.get("SecretAccessKey").asText();
        assertThat(vend.logLines()).noneMatch(line -> line.contains(secret)
                || line.contains(session.sessionToken()));
        assertThat(vend.auditEvents()).singleElement().satisfies(event ->
                assertThat(event.path("decision").asText()).isEqualTo("allow"));
    }

    @Test
    void tokenWhenStsRefusesThenServerErrorWithoutTheAwsMessage() throws Exception {
        sts.failNext(403, "AccessDenied", Integer.MAX_VALUE);

        APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(
                form("workload-1")));

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.getBody()).get("error").asText())
                .isEqualTo("server_error");
        assertThat(response.getBody()).doesNotContain(FakeSts.ACCOUNT);
        assertThat(vend.logLines()).noneMatch(line -> line.contains("assumed-role"));
    }

    @Test
    void tokenWhenStsThrottlesThenTemporarilyUnavailableWithRetryAfter() throws Exception {
        sts.failNext(400, "Throttling", Integer.MAX_VALUE);

        APIGatewayV2HTTPResponse response = vend.handle(LambdaHarness.tokenEvent(
                form("workload-1")));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.getBody()).get("error").asText())
                .isEqualTo("temporarily_unavailable");
        assertThat(response.getHeaders().keySet()).anyMatch("Retry-After"::equalsIgnoreCase);
    }
}
