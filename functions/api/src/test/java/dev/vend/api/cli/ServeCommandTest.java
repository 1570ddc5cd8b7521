// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.local.LocalServer;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server path of {@code vend serve}: plain HTTP on loopback into the Lambda handler.
 */
class ServeCommandTest {

    private static final ECKey ISSUER_KEY = TestKeys.ecP256(2);
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void serveWhenTokenExchangedOverHttpThenVendedTokenVerifiesWithPublishedJwks()
            throws Exception {
        try (var context = context(); var server = LocalServer.start(
                new VendLambdaHandler(context), 0)) {
            String base = "http://127.0.0.1:" + server.port();
            String proof = TestTokens.signedWith(ISSUER_KEY).issuer("https://ci.example.test")
                    .subject("workload-7").audience("http://localhost:8080").sign();

            HttpResponse<String> response = post(base + "/token", "grant_type="
                    + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
                    + enc(proof) + "&subject_token_type="
                    + enc("urn:ietf:params:oauth:token-type:jwt"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
            String accessToken = response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*",
                    "$1");
            JWKSet jwks = JWKSet.parse(get(base + "/.well-known/jwks.json").body());
            SignedJWT jwt = SignedJWT.parse(accessToken);
            ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://api.example.com");
        }
    }

    @Test
    void serveWhenQueryStringOnTokenThenRefusedBeforeParsing() throws Exception {
        try (var context = context(); var server = LocalServer.start(
                new VendLambdaHandler(context), 0)) {
            HttpResponse<String> response = post("http://127.0.0.1:" + server.port()
                    + "/token?subject_token=x", "grant_type=x");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("Parameters must be sent in the body only.");
        }
    }

    private ApplicationContext context() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"),
                new JWKSet(ISSUER_KEY.toPublicJWK()).toString());
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: https://ci.example.test
                    jwksFile: %s
                    algorithms: [ES256]
                """.formatted(jwks));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("ci.yaml"), """
                apiVersion: vend.dev/v1
                id: ci-workload-7
                issuer: ci
                conditions: {sub: workload-7}
                issue: {audiences: [https://api.example.com]}
                """);
        return ApplicationContext.builder().environments("local").properties(Map.of(
                "vend.issuer-url", "http://localhost:8080",
                "vend.issuers-file", issuers.toString(),
                "vend.policies-folder", policies.toString(),
                "vend.state-dir", dir.resolve("state").toString())).start();
    }

    private HttpResponse<String> post(String url, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
