// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.testsupport.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@code POST /token} through the Lambda handler with a fixed seed (so a failure is
 * reproducible: the message names the case number and kind): no 5xx for bad input, never a
 * token, never a stack trace or exception class name in a response, an OAuth error body every
 * time, and exactly one audit event per request.
 */
class TokenEndpointFuzzTest {

    /** {@code -Dvend.fuzz.seed} explores other cases; a failure names the seed and case number. */
    private static final long SEED = Long.getLong("vend.fuzz.seed", 0x5EED_2026_0009L);
    private static final int CASES = Integer.getInteger("vend.fuzz.cases", 2_000);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a leaked stack trace or exception looks like in a body. */
    private static final Pattern LEAK = Pattern.compile(
            "(?i)exception|throwable|caused by|\\tat |\\bat [a-z_$][\\w$]*\\.[\\w$.]+\\("
                    + "|java\\.|javax\\.|jakarta\\.|io\\.micronaut|com\\.fasterxml|com\\.nimbusds"
                    + "|dev\\.vend|org\\.[a-z]+\\.|\\.java:\\d+|[a-z]\\w*\\.[a-z]\\w*\\.[A-Z]\\w*");
    /** A header value with no leading or trailing space and visible ASCII only. */
    private static final Pattern PLAIN_HEADER_VALUE =
            Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?");
    private static final ECKey EC_KEY = TestKeys.ecP256(5);
    private static final RSAKey RSA_KEY = TestKeys.rsa2048();

    @TempDir
    Path dir;

    private FuzzHarness vend;

    @BeforeEach
    void start() throws IOException {
        Path ecJwks = Files.writeString(dir.resolve("ec-jwks.json"),
                new JWKSet(EC_KEY.toPublicJWK()).toString());
        Path rsaJwks = Files.writeString(dir.resolve("rsa-jwks.json"),
                new JWKSet(RSA_KEY.toPublicJWK()).toString());
        String issuers = """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                    singleUseJti: true
                    claims: {repository: string}
                  - id: rsa
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [RS256, PS256]
                    claims: {repository: string}
                """.formatted(FuzzCases.ISSUER, ecJwks, FuzzCases.RSA_ISSUER, rsaJwks);
        String policy = """
                apiVersion: vend.dev/v1
                id: %s-workload-1
                issuer: %s
                conditions:
                  sub: workload-1
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read, write]
                  carry: [repository]
                """;
        vend = FuzzHarness.start(dir, issuers, Map.of("ci.yaml", policy.formatted("ci", "ci"),
                "rsa.yaml", policy.formatted("rsa", "rsa")));
    }

    @AfterEach
    void stop() {
        vend.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tokenWhenFuzzedWithHostileInputThenRefusedCleanlyAndAuditedOnceEach() {
        var cases = new FuzzCases(SEED, EC_KEY, RSA_KEY);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> knownBugs = new TreeMap<>();
        int unaudited = 0;
        for (int i = 0; i < CASES && failures.size() < 20; i++) {
            FuzzCases.FuzzCase fuzz = cases.next();
            int before = vend.audit().size();

            APIGatewayV2HTTPResponse response = vend.handle(fuzz.event());

            int events = vend.audit().size() - before;
            kinds.merge(fuzz.kind().replaceAll("-\\d+$", ""), 1, Integer::sum);
            statuses.merge(response.getStatusCode(), 1, Integer::sum);
            String knownBug = response.getStatusCode() == 500 ? knownBug(fuzz.event()) : null;
            String problem = knownBug == null ? problemWith(response, events)
                    : problemWithKnownBug(response);
            if (knownBug != null) {
                knownBugs.merge(knownBug, 1, Integer::sum);
                unaudited += events == 0 ? 1 : 0;
            }
            if (problem != null) {
                failures.add("seed " + SEED + " case " + i + " (" + fuzz.kind() + "): " + problem);
            }
        }

        System.out.println("fuzz: " + CASES + " cases by kind " + kinds + "; statuses " + statuses
                + "; 500s of known bugs " + knownBugs + ", of which without an audit event: "
                + unaudited);
        assertThat(failures).isEmpty();
        assertThat(vend.audit().events()).allSatisfy(event ->
                assertThat(event.path("decision").asText()).isIn("deny", "error"));
    }

    /**
     * Known bug, reported: a {@code POST /token} whose {@code isBase64Encoded} flag is set but
     * whose body is not valid base64 fails in the framework's body decoding and is answered 500
     * {@code server_error} (audited as an error) instead of 400. Enable once the handler refuses
     * such a body before the framework decodes it.
     */
    @Test
    @Disabled("known bug: a body flagged base64 that is not base64 is answered 500")
    void tokenWhenBase64FlagSetOnPlainFormThenRefusedAsBadRequest() {
        var event = FuzzHarness.event("POST", "/token",
                new HashMap<>(Map.of("content-type", FuzzCases.FORM)),
                "grant_type=x&subject_token=y&subject_token_type=z", true);

        APIGatewayV2HTTPResponse response = vend.handle(event);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(vend.audit().events()).singleElement().satisfies(audit ->
                assertThat(audit.path("decision").asText()).isEqualTo("deny"));
    }

    /**
     * Known bug, reported: a header value Micronaut's header validation rejects (here a leading
     * space; also control and non-ASCII characters) throws while the framework builds the request,
     * and the handler answers 500 with no body and records no audit event. Enable once the
     * handler refuses such a header before the framework sees the event.
     */
    @Test
    @Disabled("known bug: a header value with a prohibited character is answered 500, no body")
    void tokenWhenContentTypeHasLeadingSpaceThenRefusedAsBadRequestAndAudited() {
        var event = FuzzHarness.event("POST", "/token",
                new HashMap<>(Map.of("content-type", " " + FuzzCases.FORM)),
                "grant_type=x&subject_token=y&subject_token_type=z", false);

        APIGatewayV2HTTPResponse response = vend.handle(event);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("invalid_request");
        assertThat(vend.audit().events()).hasSize(1);
    }

    /** Which reported bug a 500 for this event is, or null if it is none of them. */
    private static String knownBug(APIGatewayV2HTTPEvent event) {
        if (event.getIsBase64Encoded() && !isBase64(event.getBody())) {
            return "base64-flag-on-non-base64-body";
        }
        boolean prohibited = event.getHeaders().values().stream()
                .anyMatch(value -> !PLAIN_HEADER_VALUE.matcher(value).matches());
        return prohibited ? "prohibited-header-value" : null;
    }

    private static boolean isBase64(String body) {
        try {
            Base64.getDecoder().decode(body);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Even for a known bug: never a token, never internals in the body. */
    private static String problemWithKnownBug(APIGatewayV2HTTPResponse response) {
        String body = String.valueOf(response.getBody());
        return LEAK.matcher(body).find() || body.contains("access_token")
                ? "body leaks internals: " + body : null;
    }

    private static String problemWith(APIGatewayV2HTTPResponse response, int events) {
        int status = response.getStatusCode();
        String body = String.valueOf(response.getBody());
        if (status >= 500 || status < 400) {
            return "status " + status + " " + body;
        }
        if (events != 1) {
            return events + " audit events";
        }
        if (LEAK.matcher(body).find()) {
            return "body leaks internals: " + body;
        }
        JsonNode json = parse(body);
        if (json == null || !json.path("error").isTextual() || json.has("access_token")) {
            return "not an OAuth error body: " + body;
        }
        return null;
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
