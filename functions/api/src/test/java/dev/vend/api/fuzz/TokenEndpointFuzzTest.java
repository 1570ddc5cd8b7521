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
import dev.vend.model.TokenTypes;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.testsupport.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@code POST /token} through the Lambda handler with a fixed seed (so a failure is
 * reproducible: the message names the case number and kind): no 5xx for bad input, never a
 * token, never a stack trace or exception class name in a response, no response header but the
 * constant ones, an OAuth error body every time, and exactly one audit event per request.
 *
 * <p>The deployment trusts test clouds as the integration suite's does (docs/adr/0010): a test
 * PKI for Azure, a test certificate for EC2 documents of one region, and a {@link FakeSts} on the
 * loopback interface as its STS endpoint. So the cloud token types reach their verifiers' JSON,
 * PKCS7 and XML parsing instead of stopping at the issuer registry, and the test checks that
 * they did: each cloud type is refused for a malformed proof, for a bad signature, and, with a
 * proof that passed every check of its verifier, for the missing policy.
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
    /** The only headers a refusal may carry, each with its one value or shape. */
    private static final Map<String, Pattern> HEADERS = Map.of(
            "content-type", Pattern.compile(Pattern.quote("application/json;charset=UTF-8")),
            "cache-control", Pattern.compile("no-store"),
            "pragma", Pattern.compile("no-cache"),
            "date", Pattern.compile("[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} "
                    + "\\d{2}:\\d{2}:\\d{2} GMT"),
            "content-length", Pattern.compile("\\d{1,5}"));
    private static final ECKey EC_KEY = TestKeys.ecP256(5);
    private static final RSAKey RSA_KEY = TestKeys.rsa2048();
    private static final TestAzureAttested AZURE_PKI = new TestAzureAttested(
            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
            "eastus.metadata.azure.com", "metadata.azure.com");
    private static final TestInstanceDocuments EC2_REGION = new TestInstanceDocuments();
    private static final FakeSts.Principal ROLE = new FakeSts.Principal("ASIAFUZZROLE00000001",
            "fuzz-role-secret/0123456789abcdefEXAMPLE", "IQoJb3JpZ2luFuzzRoleToken==",
            "111122223333", "arn:aws:sts::111122223333:assumed-role/fuzz/session-1",
            "AROAFUZZROLEID000001:session-1");
    private static final FakeSts.Principal INSTANCE = new FakeSts.Principal(
            "ASIAFUZZINSTANCE0001", "fuzz-instance-secret/0123456789abcdef",
            "IQoJFuzzInstanceToken==", CloudProofs.EC2_ACCOUNT, "arn:aws:sts::"
                    + CloudProofs.EC2_ACCOUNT + ":assumed-role/aws:ec2-instance/"
                    + CloudProofs.EC2_INSTANCE,
            CloudProofs.EC2_ACCOUNT + ":aws:ec2-instance:" + CloudProofs.EC2_INSTANCE);
    private static final Set<String> CLOUD_TYPES = Set.of(TokenTypes.AZURE_ATTESTED,
            TokenTypes.AWS_IAM_PROOF, TokenTypes.AWS_EC2_BUNDLE);

    @TempDir
    Path dir;

    private FuzzHarness vend;
    private FakeSts sts;

    @BeforeEach
    void start() throws IOException {
        sts = FakeSts.start();
        sts.addPrincipal(ROLE);
        sts.addPrincipal(INSTANCE);
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
                  - id: azure
                    issuer: https://metadata.azure.com
                    preset: azure
                    pinnedClaims: [subscription_id]
                  - id: aws-iam
                    issuer: https://sts.amazonaws.com
                    preset: aws-iam
                    pinnedClaims: [account]
                  - id: aws-ec2
                    issuer: https://ec2.amazonaws.com
                    preset: aws-ec2
                    pinnedClaims: [account]
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
                "rsa.yaml", policy.formatted("rsa", "rsa")), cloudTrust());
    }

    @AfterEach
    void stop() {
        vend.close();
        sts.close();
    }

    /** The settings that make the deployment trust the test clouds (docs/adr/0010). */
    private Map<String, Object> cloudTrust() {
        Path roots = TestCa.writePem(dir.resolve("azure/roots.pem"), AZURE_PKI.root());
        Path intermediates = TestCa.writePem(dir.resolve("azure/intermediates.pem"),
                AZURE_PKI.ca());
        Path regions = EC2_REGION.writeRegionCertificatesFile(dir, CloudProofs.EC2_REGION);
        return Map.of(
                "vend.azure-roots-file", roots.toString(),
                "vend.azure-intermediates-file", intermediates.toString(),
                "vend.aws-region-certificates-file", regions.toString(),
                "vend.aws-sts-endpoint", sts.endpoint().toString());
    }

    private CloudProofs.Trust trust() {
        return new CloudProofs.Trust(AZURE_PKI, EC2_REGION,
                sts.endpoint().getHost() + ":" + sts.endpoint().getPort(), ROLE, INSTANCE,
                vend::challenge);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tokenWhenFuzzedWithHostileInputThenRefusedCleanlyAndAuditedOnceEach() {
        var cases = new FuzzCases(SEED, EC_KEY, RSA_KEY, trust());
        List<String> failures = new ArrayList<>();
        Map<String, Integer> generators = new TreeMap<>();
        Map<String, Integer> tokenTypes = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < CASES && failures.size() < 20; i++) {
            FuzzCases.FuzzCase fuzz = cases.next();
            int before = vend.audit().size();

            APIGatewayV2HTTPResponse response = vend.handle(fuzz.event());

            int events = vend.audit().size() - before;
            generators.merge(fuzz.generator(), 1, Integer::sum);
            if (fuzz.tokenType() != null) {
                tokenTypes.merge(fuzz.tokenType(), 1, Integer::sum);
            }
            statuses.merge(response.getStatusCode(), 1, Integer::sum);
            String problem = problemWith(response, events);
            if (problem != null) {
                failures.add("seed " + SEED + " case " + i + " (" + fuzz.label() + "): "
                        + problem);
            }
        }

        System.out.println("fuzz: " + CASES + " cases by generator " + generators
                + "; by subject token type " + tokenTypes + "; statuses " + statuses
                + "; STS calls " + sts.calls());
        assertThat(failures).isEmpty();
        assertThat(generators.keySet()).as("every generator ran")
                .containsExactlyInAnyOrderElementsOf(cases.generators());
        assertThat(tokenTypes.keySet()).as("every subject token type was sent")
                .containsAll(FuzzCases.TOKEN_TYPES);
        assertThat(vend.audit().events()).allSatisfy(event ->
                assertThat(event.path("decision").asText()).isIn("deny", "error"));
        assertCloudParsersReached(vend.audit().events());
    }

    /**
     * Each cloud token type was refused as malformed (its JSON or PKCS7 read failed), for a bad
     * signature (the PKCS7 parsed, or STS answered), and for the missing policy (every parser of
     * its verifier, the STS answer's XML included, accepted the proof).
     */
    private void assertCloudParsersReached(List<JsonNode> events) {
        Map<String, Set<String>> reasons = new TreeMap<>();
        for (JsonNode event : events) {
            String type = event.path("subject_token_type").asText();
            if (CLOUD_TYPES.contains(type)) {
                reasons.computeIfAbsent(type, key -> new TreeSet<>())
                        .add(event.path("reason").asText());
            }
        }
        System.out.println("fuzz: cloud refusals by subject token type " + reasons);
        assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(CLOUD_TYPES);
        reasons.forEach((type, seen) -> assertThat(seen).as(type)
                .contains("malformed_token", "bad_signature", "no_matching_policy"));
        assertThat(sts.calls()).as("proofs the fake STS answered").isPositive();
    }

    /** Regression: a body flagged base64 that is not base64 was answered 500. */
    @Test
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
     * Regression: a header value the framework rejects (a leading space; control or non-ASCII
     * characters) was answered 500 with no body and no audit event. Surrounding white space is
     * now trimmed, as RFC 9110 §5.5 allows, and other bad values are refused.
     */
    @Test
    void tokenWhenHeaderHoldsAControlCharacterThenRefusedAsBadRequestAndAudited() {
        var event = FuzzHarness.event("POST", "/token",
                new HashMap<>(Map.of("content-type", FuzzCases.FORM, "x-trace", "a\u0000b")),
                "grant_type=x&subject_token=y&subject_token_type=z", false);

        APIGatewayV2HTTPResponse response = vend.handle(event);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("The request is malformed.");
        assertThat(vend.audit().events()).singleElement().satisfies(audit ->
                assertThat(audit.path("reason").asText()).isEqualTo("malformed_request"));
    }

    @Test
    void tokenWhenContentTypeHasLeadingSpaceThenTrimmedAndAudited() {
        var event = FuzzHarness.event("POST", "/token",
                new HashMap<>(Map.of("content-type", " " + FuzzCases.FORM)),
                "grant_type=x&subject_token=y&subject_token_type=z", false);

        APIGatewayV2HTTPResponse response = vend.handle(event);

        // Trimmed, the content type is the form's, so the form itself is read and refused.
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("unsupported_grant_type");
        assertThat(vend.audit().events()).singleElement().satisfies(audit ->
                assertThat(audit.path("reason").asText()).isEqualTo("unsupported_grant_type"));
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
        String header = unexpectedHeader(response);
        if (header != null) {
            return "response header is not a constant one: " + header;
        }
        JsonNode json = parse(body);
        if (json == null || !json.path("error").isTextual() || json.has("access_token")) {
            return "not an OAuth error body: " + body;
        }
        return null;
    }

    /** A header that is not one of {@link #HEADERS} with its constant value, if there is one. */
    private static @Nullable String unexpectedHeader(APIGatewayV2HTTPResponse response) {
        Map<String, String> headers = response.getHeaders() == null ? Map.of()
                : response.getHeaders();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            Pattern value = HEADERS.get(header.getKey().toLowerCase(Locale.ROOT));
            if (value == null || !value.matcher(String.valueOf(header.getValue())).matches()) {
                return header.getKey() + ": " + header.getValue();
            }
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
