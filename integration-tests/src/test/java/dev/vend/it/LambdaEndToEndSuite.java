// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import static dev.vend.it.ApiGatewayEvents.EXCHANGE;
import static dev.vend.it.ApiGatewayEvents.FORM;
import static dev.vend.it.ApiGatewayEvents.JWT;
import static dev.vend.it.ApiGatewayEvents.enc;
import static dev.vend.it.ApiGatewayEvents.event;
import static dev.vend.it.ApiGatewayEvents.form;
import static dev.vend.it.ApiGatewayEvents.handle;
import static dev.vend.it.ApiGatewayEvents.tokenEvent;
import static dev.vend.it.LambdaDeployment.createTable;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.testsupport.TestTokens;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Vend as deployed, end to end: complete API Gateway HTTP API (payload 2.0) events through
 * {@link VendLambdaHandler} on an application context configured only through {@code vend.*}
 * settings (and the SDK's own {@code aws.*} properties): policies in a DynamoDB policy table
 * written by {@code vend policy sync}, the DynamoDB single-use table, signing by a KMS key (ES256
 * and RS256), AWS credentials through STS. A subclass names the DynamoDB, KMS and STS endpoints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LambdaEndToEndSuite {

    static final String VEND = "https://vend.test";
    static final String API = "https://api.example.com";
    static final String REPORTS = "https://reports.example.com";
    static final String GITHUB = "https://github-actions.example.test";
    static final String GITLAB = "https://gitlab.example.test";
    static final String CLUSTER = "https://k8s.example.test";
    static final String GOOGLE = "https://accounts.google.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ECKey GITHUB_KEY = TestKeys.ecP256(21);
    private static final RSAKey GITLAB_KEY = TestKeys.rsa2048(21);
    private static final ECKey CLUSTER_KEY = TestKeys.ecP256(22);
    private static final RSAKey GOOGLE_KEY = TestKeys.rsa2048(22);

    /**
     * Where the emulated AWS services are, and the caller credentials the SDK's default chain
     * reads.
     */
    record Endpoints(URI dynamoDb, URI kms, URI sts, String region, String accessKeyId,
            String secretAccessKey, @Nullable String sessionToken) {
    }

    /** The endpoints; called once, before anything else. */
    abstract Endpoints endpoints();

    /** Creates a KMS signing key ({@code ES256} or {@code RS256}) and returns its ARN. */
    abstract String createSigningKey(String algorithm);

    /** A role STS will let Vend assume. */
    abstract String createRole(String name);

    /** Checks, where the emulator records it, that STS saw the role assumed for the policy. */
    void assertAssumed(String roleArn, String policyId) {
    }

    private final AuditCapture logs = new AuditCapture();
    private final Map<String, VendLambdaHandler> handlers = new LinkedHashMap<>();
    private final List<ApplicationContext> contexts = new ArrayList<>();
    private Endpoints endpoints;
    private TestOidcIssuer oidc;
    private TestOidcIssuer discoveryIdp;
    private Path dir;
    private String role;

    @BeforeAll
    void deploy() throws Exception {
        endpoints = endpoints();
        LambdaDeployment.setAwsProperties(endpoints.region(), endpoints.accessKeyId(),
                endpoints.secretAccessKey(), endpoints.sessionToken(), endpoints.sts());
        dir = Files.createTempDirectory("vend-it");
        oidc = TestOidcIssuer.start();
        discoveryIdp = TestOidcIssuer.start("/discovery");
        String policyTable = "policies-" + UUID.randomUUID();
        String singleUseTable = "single-use-" + UUID.randomUUID();
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            createTable(dynamoDb, policyTable, true);
            createTable(dynamoDb, singleUseTable, false);
        }
        Path issuers = writeIssuers();
        role = createRole("vend-it-deploy");
        syncPolicies(issuers, policyTable, role);
        for (String algorithm : List.of("ES256", "RS256")) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("vend.issuer-url", VEND);
            settings.put("vend.issuers-file", issuers.toString());
            settings.put("vend.policy-table", policyTable);
            settings.put("vend.single-use-table", singleUseTable);
            settings.put("vend.dynamodb-endpoint", endpoints.dynamoDb().toString());
            settings.put("vend.signing-keys", "[{\"arn\":\"" + createSigningKey(algorithm)
                    + "\",\"state\":\"active\"}]");
            settings.put("vend.kms-endpoint", endpoints.kms().toString());
            ApplicationContext context = ApplicationContext.builder()
                    .environments("function", "lambda").properties(settings).start();
            contexts.add(context);
            handlers.put(algorithm, new VendLambdaHandler(context));
        }
        logs.attach();
    }

    @AfterAll
    void undeploy() throws IOException {
        logs.detach();
        contexts.forEach(ApplicationContext::close);
        if (oidc != null) {
            oidc.close();
        }
        if (discoveryIdp != null) {
            discoveryIdp.close();
        }
        LambdaDeployment.clearAwsProperties();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @BeforeEach
    void clearAudit() {
        logs.list.clear();
    }

    // ---------------------------------------------------------------- identity sources

    /** The identity sources whose proofs the settings can trust today. */
    enum Source {
        GITHUB_ACTIONS("oidc:github-actions:1001:123", "gh-app", true),
        GITLAB_CI("oidc:gitlab:77:88", "gl-app", true),
        KUBERNETES("oidc:cluster:3f0e2c1a-sa-uid", "k8s-payments", false),
        GENERIC_OIDC("oidc:test-idp:workload-1", "idp-workload", false),
        GCE("gce:gce:2589221140676718026", "gce-builder", true);

        final String subject;
        final String policy;
        final boolean singleUse;

        Source(String subject, String policy, boolean singleUse) {
            this.subject = subject;
            this.policy = policy;
            this.singleUse = singleUse;
        }
    }

    static Stream<Arguments> sourcesAndAlgorithms() {
        return Stream.of(Source.values()).flatMap(source -> Stream.of("ES256", "RS256")
                .map(algorithm -> Arguments.of(source, algorithm)));
    }

    @ParameterizedTest(name = "{0} signed by a KMS {1} key")
    @MethodSource("sourcesAndAlgorithms")
    void tokenWhenProofOfSourceIsValidThenTokenVerifiesAgainstJwksAndReplayIsRefused(
            Source source, String algorithm) throws Exception {
        VendLambdaHandler handler = handlers.get(algorithm);
        String proof = proof(source, handler);
        logs.list.clear();

        APIGatewayV2HTTPResponse response = handle(handler, tokenEvent(form(proof, API)));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(audit()).singleElement().satisfies(event ->
                assertThat(event.path("decision").asText()).isEqualTo("allow"));
        JWTClaimsSet claims = verify(handler, algorithm,
                JSON.readTree(response.getBody()).get("access_token").asText());
        assertThat(claims.getIssuer()).isEqualTo(VEND);
        assertThat(claims.getSubject()).isEqualTo(source.subject);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(source.policy);
        assertThat(claims.getAudience()).containsExactly(API);

        logs.list.clear();
        APIGatewayV2HTTPResponse replay = handle(handler, tokenEvent(form(proof, API)));

        if (source.singleUse) {
            assertThat(replay.getStatusCode()).isEqualTo(400);
            assertThat(JSON.readTree(replay.getBody()).get("error").asText())
                    .isEqualTo("invalid_request");
            assertThat(audit()).singleElement().satisfies(event ->
                    assertThat(event.path("reason").asText()).isEqualTo("replayed"));
        } else {
            assertThat(replay.getStatusCode()).as(replay.getBody()).isEqualTo(200);
            assertThat(audit()).hasSize(1);
        }
    }

    @Test
    void tokenWhenAwsCredentialsRequestedThenSessionFromStsAndOneAuditEvent() throws Exception {
        String proof = githubToken("2002", "456");
        String form = "grant_type=" + enc(EXCHANGE) + "&subject_token=" + enc(proof)
                + "&subject_token_type=" + enc(JWT) + "&requested_token_type="
                + enc("urn:vend:params:oauth:token-type:aws-credentials");

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"), tokenEvent(form));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.get("AccessKeyId").asText()).isNotBlank();
        assertThat(body.get("SessionToken").asText()).isEqualTo(body.get("access_token").asText());
        assertThat(body.get("expires_in").asLong()).isBetween(890L, 901L);
        assertAssumed(role, "gh-aws");
        assertThat(audit()).singleElement().satisfies(event ->
                assertThat(event.path("decision").asText()).isEqualTo("allow"));
    }

    /**
     * A generic OIDC issuer by discovery over HTTPS: its certificate comes from a test CA, and
     * no vend.* setting adds a trust root (the fetcher trusts the JVM's default store only), so
     * the keys can not be fetched: Vend fails closed and the test CA's server was never trusted.
     */
    @Test
    void tokenWhenOidcIssuerByDiscoveryServesATestCaCertificateThenFailsClosed()
            throws Exception {
        String proof = discoveryIdp.token().subject("workload-1").audience(VEND)
                .sign();

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(form(proof, API)));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.getBody()).get("error").asText())
                .isEqualTo("temporarily_unavailable");
        assertThat(response.getBody()).doesNotContain("access_token");
        assertThat(audit()).singleElement().satisfies(event -> {
            assertThat(event.path("decision").asText()).isEqualTo("error");
            assertThat(event.path("reason").asText()).isEqualTo("transient");
        });
        // The TLS handshake failed: the discovery document was never served to Vend.
        assertThat(discoveryIdp.discoveryFetches()).isZero();
    }

    /**
     * A genuine Azure attested document (realdocs): the deployment trusts only the bundled
     * roots, and vend.* settings can not add the intermediates (docs/adr/0009), so no chain is
     * built: refused with the one wire error, audited {@code untrusted_issuer}.
     */
    @Test
    void tokenWhenGenuineAzureAttestedDocumentThenRefusedForWantOfIntermediates()
            throws Exception {
        String document = RealDocs.read(AZURE_ATT01).strip();

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(attestation(document, "azure-attested")));

        assertRefused(response, "untrusted_issuer");
    }

    /**
     * An AWS IAM proof signed for the STS emulator: Vend sends proofs only to the real STS hosts
     * over its own HTTPS transport, and vend.* settings can not point it elsewhere, so a proof
     * an emulator could answer is refused before anything is sent.
     */
    @Test
    void tokenWhenAwsIamProofNamesTheStsEmulatorThenRefusedWithoutSending() throws Exception {
        String proof = iamProof(challenge(handlers.get("ES256"))).toString();

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(attestation(proof, "aws-iam-proof")));

        assertRefused(response, "untrusted_issuer");
    }

    /** A genuine EC2 instance document with an instance-role proof for the STS emulator. */
    @Test
    void tokenWhenEc2BundleProofNamesTheStsEmulatorThenRefused() throws Exception {
        ObjectNode bundle = JSON.createObjectNode();
        ObjectNode document = bundle.putObject("instance_document");
        document.put("form", "rsa2048");
        document.put("signature", RealDocs.read(EC2_IID + "pkcs7.pem"));
        bundle.set("iam_proof", iamProof(challenge(handlers.get("ES256"))));

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(attestation(bundle.toString(), "aws-ec2-bundle")));

        assertRefused(response, "untrusted_issuer");
    }

    private static final String AZURE_ATT01 = "azure-attested/att-01-westeurope-2021-01-04.json";
    private static final String EC2_IID = "aws-iid/iid-04-us-west-2-2021-rsa2048/";

    private ObjectNode iamProof(String challenge) {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        ObjectNode proof = JSON.createObjectNode();
        // The emulator's host name: a proof's host can not even carry a port.
        proof.put("host", endpoints.sts().getHost());
        proof.put("challenge", challenge);
        proof.put("authorization", "AWS4-HMAC-SHA256 Credential=" + endpoints.accessKeyId()
                + "/" + date.substring(0, 8) + "/" + endpoints.region() + "/sts/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-vend-challenge;x-vend-server-id, "
                + "Signature=" + "0".repeat(64));
        proof.put("amz_date", date);
        return proof;
    }

    private String challenge(VendLambdaHandler handler) throws IOException {
        String challenge = JSON.readTree(handle(handler, event("POST", "/challenge",
                new HashMap<>(), null)).getBody()).get("challenge").asText();
        logs.list.clear();
        return challenge;
    }

    private static String attestation(String subjectToken, String type) {
        return "grant_type=" + enc(EXCHANGE) + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc("urn:vend:params:oauth:token-type:" + type);
    }

    // ---------------------------------------------------------------- BUG-27 (adapted)

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content-type", "Content-Type", "CONTENT-TYPE", "cOnTeNt-TyPe"})
    void tokenWhenContentTypeHeaderInAnyLetterCaseThenIssued(String name) {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.setHeaders(new HashMap<>(Map.of(name, FORM + "; charset=UTF-8")));

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"), event);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(audit()).hasSize(1);
    }

    @Test
    void tokenWhenHeadersNullThenInvalidRequestAndOneAuditEvent() throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.setHeaders(null);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_content_type");
    }

    @Test
    void tokenWhenFormBodyIsBase64EncodedThenDecodedAndIssued() {
        var event = tokenEvent(Base64.getEncoder().encodeToString(
                form(githubToken("1001", "123"), API).getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = handle(handlers.get("RS256"), event);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(audit()).hasSize(1);
    }

    @ParameterizedTest(name = "{0} twice")
    @ValueSource(strings = {"grant_type", "subject_token", "subject_token_type", "scope"})
    void tokenWhenParameterRepeatedThenInvalidRequest(String parameter) throws Exception {
        String proof = githubToken("1001", "123");
        Map<String, String> values = Map.of("grant_type", EXCHANGE, "subject_token", proof,
                "subject_token_type", JWT, "scope", "read");
        String form = form(proof, API) + "&" + parameter + "=" + enc(values.get(parameter))
                + ("scope".equals(parameter) ? "&scope=read" : "");

        assertRefused(handle(handlers.get("ES256"), tokenEvent(form)), "repeated_parameter");
    }

    @Test
    void tokenWhenAudienceRepeatedThenIssuedForBoth() throws Exception {
        String form = form(githubToken("1001", "123"), API) + "&audience=" + enc(REPORTS);

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"), tokenEvent(form));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JWTClaimsSet claims = verify(handlers.get("ES256"), "ES256",
                JSON.readTree(response.getBody()).get("access_token").asText());
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(API, REPORTS);
    }

    @Test
    void tokenWhenResourceRepeatedThenNotRefusedAsRepeated() throws Exception {
        String form = form(githubToken("1001", "123"), null) + "&resource=" + enc(API)
                + "&resource=" + enc(REPORTS);

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"), tokenEvent(form));

        assertThat(audit()).singleElement().satisfies(event -> assertThat(
                event.path("reason").asText("")).isNotEqualTo("repeated_parameter"));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    }

    @Test
    void tokenWhenAuthorizationHeaderCarriesAnotherCredentialThenIgnored() {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.getHeaders().put("authorization", "Bearer not-a-token, Bearer other");

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"), event);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(audit()).hasSize(1);
    }

    @Test
    void tokenWhenPayloadV1EventThenInvalidRequestNeverAnException() throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.setVersion("1.0");

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    /** A REST API (payload 1.0) event as Lambda would deserialise it into the 2.0 type. */
    @Test
    void tokenWhenPayloadV1JsonEventThenInvalidRequestNeverAnException() throws Exception {
        String v1 = """
                {"version": "1.0", "resource": "/token", "path": "/token", "httpMethod": "POST",
                 "headers": {"Content-Type": "%s"},
                 "multiValueHeaders": {"Content-Type": ["%s"]},
                 "queryStringParameters": null, "multiValueQueryStringParameters": null,
                 "requestContext": {"accountId": "123456789012", "apiId": "vendapi",
                   "httpMethod": "POST", "path": "/prod/token", "stage": "prod",
                   "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                   "identity": {"sourceIp": "192.0.2.10"}},
                 "body": "%s", "isBase64Encoded": false}
                """.formatted(FORM, FORM, form(githubToken("1001", "123"), API));
        APIGatewayV2HTTPEvent event = JSON.copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(v1, APIGatewayV2HTTPEvent.class);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    @Test
    void tokenWhenRequestContextMissingThenInvalidRequestNeverAnException() throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.setRequestContext(null);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    @Test
    void tokenWhenVersionAbsentThenInvalidRequestNeverAnException() throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.setVersion(null);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    // ---------------------------------------------------------------- helpers

    private void assertRefused(APIGatewayV2HTTPResponse response, @Nullable String reason)
            throws IOException {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(JSON.readTree(response.getBody()).get("error").asText())
                .isEqualTo("invalid_request");
        assertThat(audit()).singleElement().satisfies(event -> {
            assertThat(event.path("decision").asText()).isEqualTo("deny");
            if (reason != null) {
                assertThat(event.path("reason").asText()).isEqualTo(reason);
            }
        });
    }

    private String proof(Source source, VendLambdaHandler handler) throws IOException {
        return switch (source) {
            case GITHUB_ACTIONS -> githubToken("1001", "123");
            case GITLAB_CI -> TestTokens.signedWith(GITLAB_KEY).issuer(GITLAB)
                    .subject("project_path:acme/app:ref_type:branch:ref:main").audience(VEND)
                    .jwtId(UUID.randomUUID().toString()).claim("namespace_id", "77")
                    .claim("namespace_path", "acme").claim("project_id", "88")
                    .claim("project_path", "acme/app").sign();
            case KUBERNETES -> TestTokens.signedWith(CLUSTER_KEY).issuer(CLUSTER)
                    .subject("system:serviceaccount:payments:api").audience(VEND)
                    .claim("kubernetes.io", Map.of("namespace", "payments",
                            "serviceaccount", Map.of("name", "api",
                                    "uid", "3f0e2c1a-sa-uid"))).sign();
            case GENERIC_OIDC -> oidc.token().subject("workload-1").audience(VEND).sign();
            case GCE -> {
                String nonce = challenge(handler);
                yield TestTokens.signedWith(GOOGLE_KEY).issuer(GOOGLE)
                        .subject("104070955682298736149").audience(VEND + "?challenge=" + nonce)
                        .claim("google", Map.of("compute_engine", Map.of(
                                "instance_id", "2589221140676718026",
                                "instance_name", "builder-1", "project_id", "vend-prod-4711",
                                "project_number", 161958465613L, "zone", "us-east1-b")))
                        .sign();
            }
        };
    }

    private static String githubToken(String ownerId, String repositoryId) {
        return TestTokens.signedWith(GITHUB_KEY).issuer(GITHUB)
                .subject("repo:acme/app:ref:refs/heads/main").audience(VEND)
                .jwtId(UUID.randomUUID().toString())
                .claim("repository_owner_id", ownerId).claim("repository_id", repositoryId)
                .claim("repository", "acme/app").claim("repository_owner", "acme").sign();
    }

    /** Verifies a Vend token with Nimbus against the handler's own published JWKS. */
    private JWTClaimsSet verify(VendLambdaHandler handler, String algorithm, String token)
            throws Exception {
        APIGatewayV2HTTPResponse jwks = handle(handler,
                event("GET", "/.well-known/jwks.json", new HashMap<>(), null));
        assertThat(jwks.getStatusCode()).isEqualTo(200);
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.parse(algorithm),
                new ImmutableJWKSet<>(JWKSet.parse(jwks.getBody()))));
        return processor.process(token, null);
    }

    private List<JsonNode> audit() {
        return logs.events();
    }

    private DynamoDbClient dynamoDb() {
        return LambdaDeployment.dynamoDb(endpoints.dynamoDb(), endpoints.region(),
                endpoints.accessKeyId(), endpoints.secretAccessKey(), endpoints.sessionToken());
    }

    private Path writeIssuers() throws IOException {
        Path github = jwks("github.json", GITHUB_KEY);
        Path gitlab = jwks("gitlab.json", GITLAB_KEY);
        Path cluster = jwks("cluster.json", CLUSTER_KEY);
        Path google = jwks("google.json", GOOGLE_KEY);
        // vend.* settings can not make Vend trust the test issuer's CA, so the generic OIDC
        // issuer's keys come from a file written from what its JWKS endpoint serves.
        Path idp = oidc.writeJwksFile(dir.resolve("idp.json"));
        return Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: github-actions
                    issuer: %s
                    preset: github-actions
                    jwksFile: %s
                    algorithms: [ES256]
                  - id: gitlab
                    issuer: %s
                    preset: gitlab-ci
                    jwksFile: %s
                    algorithms: [RS256]
                  - id: cluster
                    issuer: %s
                    preset: kubernetes
                    jwksFile: %s
                    algorithms: [ES256]
                  - id: test-idp
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                  - id: test-idp-discovery
                    issuer: %s
                    preset: oidc
                    discovery: true
                    allowPrivateNetwork: true
                  - id: gce
                    issuer: %s
                    preset: gce
                    jwksFile: %s
                    algorithms: [RS256]
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
                """.formatted(GITHUB, github, GITLAB, gitlab, CLUSTER, cluster, oidc.issuer(),
                idp, discoveryIdp.issuer(), GOOGLE, google));
    }

    private Path jwks(String name, JWK key) throws IOException {
        return Files.writeString(dir.resolve(name), new JWKSet(key.toPublicJWK()).toString());
    }

    /** Writes the policies into the table the way an operator does: {@code vend policy sync}. */
    private void syncPolicies(Path issuers, String table, String role) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("policies"));
        Map<String, String> policies = Map.of(
                "gh-app.yaml", """
                        apiVersion: vend.dev/v1
                        id: gh-app
                        issuer: github-actions
                        conditions: {repository_owner_id: "1001", repository_id: "123"}
                        issue: {audiences: [%s, %s]}
                        """.formatted(API, REPORTS),
                "gh-aws.yaml", """
                        apiVersion: vend.dev/v1
                        id: gh-aws
                        issuer: github-actions
                        conditions: {repository_owner_id: "2002", repository_id: "456"}
                        issue:
                          awsRole: {roleArn: "%s", maxLifetimeSeconds: 900}
                        """.formatted(role),
                "gl-app.yaml", """
                        apiVersion: vend.dev/v1
                        id: gl-app
                        issuer: gitlab
                        conditions: {namespace_id: "77", project_id: "88"}
                        issue: {audiences: [%s]}
                        """.formatted(API),
                "k8s.yaml", """
                        apiVersion: vend.dev/v1
                        id: k8s-payments
                        issuer: cluster
                        conditions: {namespace: payments, service_account: api}
                        issue: {audiences: [%s]}
                        """.formatted(API),
                "idp.yaml", """
                        apiVersion: vend.dev/v1
                        id: idp-workload
                        issuer: test-idp
                        conditions: {sub: workload-1}
                        issue: {audiences: [%s]}
                        """.formatted(API),
                "gce.yaml", """
                        apiVersion: vend.dev/v1
                        id: gce-builder
                        issuer: gce
                        conditions: {instance_id: "2589221140676718026", project_id: vend-prod-4711}
                        issue: {audiences: [%s]}
                        """.formatted(API));
        for (Map.Entry<String, String> policy : policies.entrySet()) {
            Files.writeString(folder.resolve(policy.getKey()), policy.getValue());
        }
        LambdaDeployment.syncPolicies(folder, table, endpoints.dynamoDb(), endpoints.region(),
                issuers, VEND);
    }
}
