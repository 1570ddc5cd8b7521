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
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
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
import dev.vend.issue.TokenIssuer;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.LogSearch;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestInstanceDocuments;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.testsupport.TestTokens;
import dev.vend.vend.OAuthErrors;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Vend as deployed, end to end: complete API Gateway HTTP API (payload 2.0) events through
 * {@link VendLambdaHandler} on an application context configured only through {@code vend.*}
 * settings (and the SDK's own {@code aws.*} properties): policies in a DynamoDB policy table
 * written by {@code vend policy sync}, the DynamoDB single-use table, signing by a KMS key (ES256
 * and RS256), AWS credentials through STS. A subclass names the DynamoDB, KMS and STS endpoints.
 *
 * <p>Every identity source is exchanged. The cloud proofs are made at test time and trusted
 * through the deployment settings a production deployment uses for its own trust: Azure attested
 * documents from a test PKI ({@code vend.azure-roots-file},
 * {@code vend.azure-intermediates-file}), EC2 instance documents under a test region certificate
 * ({@code vend.aws-region-certificates-file}) and AWS IAM proofs signed for a {@link FakeSts} on
 * the loopback interface ({@code vend.aws-sts-endpoint}), which checks their SigV4 signatures as
 * STS does. That STS is the suite's own in every subclass: LocalStack's STS answers
 * {@code GetCallerIdentity} without checking signatures, so it could not refuse a forged proof.
 *
 * <p>No log line of any logger holds proof material: the cloud proofs' base64 parts and the
 * tokens issued for them are searched for in everything the function logged (DESIGN's log-search
 * contract, through {@link LogSearch}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LambdaEndToEndSuite {

    static final String VEND = "https://vend.test";
    static final String VEND_TYPE = "urn:vend:params:oauth:token-type:";
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

    static final String AZURE_SUBSCRIPTION = "5f130ffc-0a3e-4795-b691-4f56a12a5547";
    static final String AZURE_VM = "bd8e7443-24a0-41f3-b949-8baf4fd1c573";
    private static final TestAzureAttested AZURE_PKI = new TestAzureAttested(
            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
            "eastus.metadata.azure.com", "metadata.azure.com");
    private static final TestInstanceDocuments EC2_REGION = new TestInstanceDocuments();
    /** The region whose shipped certificate the test one replaces. */
    static final String EC2_REGION_NAME = "us-east-1";
    static final String AWS_ACCOUNT = "111122223333";
    static final String EC2_ACCOUNT = "444455556666";
    static final String EC2_INSTANCE = "i-0123456789abcdef0";
    /** A role session that may deploy; the aws-iam policy names the role. */
    static final FakeSts.Principal DEPLOYER = new FakeSts.Principal("ASIATESTDEPLOYER0001",
            "deployer-secret-key/0123456789abcdefEXAMPLE", "IQoJb3JpZ2luX2VjEDeployerToken==",
            AWS_ACCOUNT, "arn:aws:sts::" + AWS_ACCOUNT + ":assumed-role/deployer/build-42",
            "AROATESTDEPLOYERROLE:build-42");
    /** An IAM user of the same account, which no policy names. */
    static final FakeSts.Principal OPERATOR = new FakeSts.Principal("AKIATESTOPERATOR0001",
            "operator-secret-key/0123456789abcdefEXAMPLE", "", AWS_ACCOUNT,
            "arn:aws:iam::" + AWS_ACCOUNT + ":user/ops/alice", "AIDATESTOPERATOR0001");
    /** The EC2 instance identity role of the test instance. */
    static final FakeSts.Principal INSTANCE_ROLE = instanceRole("ASIATESTINSTANCE0001",
            EC2_ACCOUNT, EC2_INSTANCE);
    /** The instance identity role of an instance of another account, which no policy names. */
    static final FakeSts.Principal FOREIGN_INSTANCE_ROLE = instanceRole("ASIATESTFOREIGN00001",
            "999988887777", "i-0fedcba9876543210");

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
    private FakeSts workloadSts;

    @BeforeAll
    void deploy() throws Exception {
        endpoints = endpoints();
        // Vend's own AssumeRole calls use the SDK's setting (AWS_ENDPOINT_URL_STS in Lambda);
        // vend.aws-sts-endpoint is where the IAM proofs Vend checks go, set in cloudTrust().
        LambdaDeployment.setAwsProperties(endpoints.region(), endpoints.accessKeyId(),
                endpoints.secretAccessKey(), endpoints.sessionToken(), endpoints.sts());
        dir = Files.createTempDirectory("vend-it");
        workloadSts = FakeSts.start();
        List.of(DEPLOYER, OPERATOR, INSTANCE_ROLE, FOREIGN_INSTANCE_ROLE)
                .forEach(workloadSts::addPrincipal);
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
            settings.putAll(cloudTrust());
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
        if (workloadSts != null) {
            workloadSts.close();
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

    /** Every identity source, with the subject and policy its valid proof gets. */
    enum Source {
        GITHUB_ACTIONS("oidc:github-actions:1001:123", "gh-app", true, JWT),
        GITLAB_CI("oidc:gitlab:77:88", "gl-app", true, JWT),
        KUBERNETES("oidc:cluster:3f0e2c1a-sa-uid", "k8s-payments", false, JWT),
        GENERIC_OIDC("oidc:test-idp:workload-1", "idp-workload", false, JWT),
        GCE("gce:gce:2589221140676718026", "gce-builder", true, JWT),
        AZURE("azure_imds:azure:" + AZURE_SUBSCRIPTION + ":" + AZURE_VM, "azure-vm", true,
                VEND_TYPE + "azure-attested"),
        AWS_IAM("aws_iam:aws-iam:" + AWS_ACCOUNT + ":AROATESTDEPLOYERROLE", "aws-deployer", true,
                VEND_TYPE + "aws-iam-proof"),
        AWS_EC2("aws_ec2_bundle:aws-ec2:" + EC2_ACCOUNT + ":" + EC2_INSTANCE, "ec2-builder", true,
                VEND_TYPE + "aws-ec2-bundle");

        final String subject;
        final String policy;
        final boolean singleUse;
        final String tokenType;

        Source(String subject, String policy, boolean singleUse, String tokenType) {
            this.subject = subject;
            this.policy = policy;
            this.singleUse = singleUse;
            this.tokenType = tokenType;
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

        APIGatewayV2HTTPResponse response = handle(handler,
                tokenEvent(form(proof, API, source.tokenType)));

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
        APIGatewayV2HTTPResponse replay = handle(handler,
                tokenEvent(form(proof, API, source.tokenType)));

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

    // ---------------------------------------------------------------- cloud proofs

    /** For each cloud source: a forged proof, then a genuine one of a workload no policy names. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Source.class, names = {"AZURE", "AWS_IAM", "AWS_EC2"})
    void tokenWhenCloudProofForgedOrNotEntitledThenTheSameConstantRefusal(Source source)
            throws Exception {
        VendLambdaHandler handler = handlers.get("ES256");
        String forged = forgedProof(source, challenge(handler));
        String unentitled = unentitledProof(source, challenge(handler));

        APIGatewayV2HTTPResponse forgery = handle(handler,
                tokenEvent(form(forged, API, source.tokenType)));
        assertRefused(forgery, "bad_signature");
        logs.list.clear();
        APIGatewayV2HTTPResponse refusal = handle(handler,
                tokenEvent(form(unentitled, API, source.tokenType)));
        assertRefused(refusal, "no_matching_policy");

        assertThat(JSON.readTree(refusal.getBody()).get("error_description").asText())
                .isEqualTo(OAuthErrors.REFUSED);
        assertThat(forgery.getBody()).hasSameSizeAs(refusal.getBody());
        assertThat(masked(forgery)).isEqualTo(masked(refusal));
    }

    /**
     * DESIGN's log-search contract for the cloud proofs, through the whole function: a proof is
     * exchanged, replayed, forged and refused by policy, with Vend's own loggers at DEBUG, and
     * no line of any logger holds 16 characters of a base64 part of those proofs (documents,
     * PKCS7 signatures, SigV4 signatures, session tokens) or of the token issued.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Source.class, names = {"AZURE", "AWS_IAM", "AWS_EC2"})
    void tokenWhenCloudProofExchangedReplayedForgedOrRefusedThenNoLogLineHoldsItsParts(
            Source source) throws Exception {
        VendLambdaHandler handler = handlers.get("ES256");
        String proof = cloudProof(source, challenge(handler));
        List<String> proofs = List.of(proof, proof, forgedProof(source, challenge(handler)),
                unentitledProof(source, challenge(handler)));
        var parts = new ArrayList<String>();

        Logger vend = (Logger) LoggerFactory.getLogger("dev.vend");
        Level configured = vend.getLevel();
        vend.setLevel(Level.DEBUG);
        try {
            for (String each : proofs) {
                parts.addAll(proofParts(each));
                JsonNode body = JSON.readTree(handle(handler,
                        tokenEvent(form(each, API, source.tokenType))).getBody());
                if (body.has("access_token")) {
                    parts.addAll(LogSearch.jwsParts(body.get("access_token").asText()));
                }
            }
        } finally {
            vend.setLevel(configured);
        }

        assertThat(audit()).extracting(event -> event.path("reason").asText("allowed"))
                .containsExactly("allowed", "replayed", "bad_signature", "no_matching_policy");
        // More than the audit logger was captured: each event also wrote its metric line.
        assertThat(logs.lines()).hasSizeGreaterThan(audit().size());
        String text = String.join("\n", logs.lines());
        LogSearch.assertNoneIn(text, parts, List.of());
        assertThat(catchThrowable(() -> LogSearch.assertNoneIn(
                text + parts.get(0).substring(7, 7 + LogSearch.WINDOW), parts, List.of())))
                .as("the search finds a leak").isInstanceOf(AssertionError.class);
    }

    /**
     * The base64 and hex parts of an Azure envelope, an IAM proof or an EC2 bundle: the PKCS7
     * signatures (which carry the documents), the SigV4 {@code Signature} and the
     * {@code X-Amz-Security-Token}.
     */
    private static List<String> proofParts(String proof) throws IOException {
        JsonNode json = JSON.readTree(proof);
        var parts = new ArrayList<String>();
        if (json.has("instance_document")) {
            parts.addAll(LogSearch.base64Parts(
                    json.path("instance_document").path("signature").asText()));
            json = json.path("iam_proof");
        }
        if (json.has("authorization")) {
            String authorization = json.get("authorization").asText();
            parts.addAll(LogSearch.hexParts(
                    authorization.substring(authorization.indexOf("Signature=") + 10)));
            if (json.has("security_token")) {
                parts.add(json.get("security_token").asText());
            }
        } else {
            parts.addAll(LogSearch.base64Parts(json.get("signature").asText()));
        }
        return parts;
    }

    @Test
    void tokenWhenCloudProofCarriesNoIssuedChallengeThenRefusedAsExpired() throws Exception {
        String never = "k".repeat(32);

        for (Source source : List.of(Source.AZURE, Source.AWS_IAM, Source.AWS_EC2)) {
            logs.list.clear();
            APIGatewayV2HTTPResponse response = handle(handlers.get("RS256"),
                    tokenEvent(form(cloudProof(source, never), API, source.tokenType)));
            assertRefused(response, "expired");
        }
    }

    /** A proof replayed at the other deployment (the other handler) shares the store. */
    @Test
    void tokenWhenCloudProofReplayedAtAnotherFunctionInstanceThenRefusedAsReplayed()
            throws Exception {
        String proof = cloudProof(Source.AWS_EC2, challenge(handlers.get("ES256")));
        assertThat(handle(handlers.get("ES256"), tokenEvent(form(proof, API,
                Source.AWS_EC2.tokenType))).getStatusCode()).isEqualTo(200);
        logs.list.clear();

        assertRefused(handle(handlers.get("RS256"), tokenEvent(form(proof, API,
                Source.AWS_EC2.tokenType))), "replayed");
    }

    @Test
    void tokenWhenCloudProofAllowedThenWorkloadClaimCarriesItsAttributes() throws Exception {
        VendLambdaHandler handler = handlers.get("ES256");
        String proof = cloudProof(Source.AWS_EC2, challenge(handler));

        APIGatewayV2HTTPResponse response = handle(handler,
                tokenEvent(form(proof, API, Source.AWS_EC2.tokenType)));

        JWTClaimsSet claims = verify(handler, "ES256",
                JSON.readTree(response.getBody()).get("access_token").asText());
        assertThat(claims.getJSONObjectClaim(TokenIssuer.WORKLOAD_CLAIM))
                .containsEntry("source", "aws_ec2_bundle")
                .containsEntry("issuer_id", "aws-ec2")
                .containsEntry("policy_id", "ec2-builder")
                .containsEntry("attributes", Map.of("instance_id", EC2_INSTANCE,
                        "region", EC2_REGION_NAME, "arn", INSTANCE_ROLE.arn()));
    }

    /**
     * A genuine Azure attested document (realdocs): the deployment's roots are the test PKI's
     * ({@code vend.azure-roots-file} replaces the bundled ones), so Microsoft's chain is not
     * trusted here: refused with the one wire error, audited {@code untrusted_issuer}.
     */
    @Test
    void tokenWhenGenuineAzureDocumentAndRootsReplacedThenRefusedAsUntrusted() throws Exception {
        String document = RealDocs.read(AZURE_ATT01).strip();

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(attestation(document, "azure-attested")));

        assertRefused(response, "untrusted_issuer");
    }

    /** Proofs signed for a host off the allowlist are refused, and never sent anywhere. */
    @Test
    void tokenWhenAwsIamProofSignedForAHostOffTheAllowlistThenRefusedWithoutSending()
            throws Exception {
        int sent = workloadSts.requests().size();
        String otherPort = "127.0.0.1:" + (workloadSts.endpoint().getPort() == 1 ? 2 : 1);

        for (String host : List.of("sts.amazonaws.com.evil.example", otherPort)) {
            logs.list.clear();
            String proof = new TestIamProofs(DEPLOYER, challenge(handlers.get("ES256")), VEND,
                    Instant.now()).host(host, "us-east-1").json();
            assertRefused(handle(handlers.get("ES256"),
                    tokenEvent(attestation(proof, "aws-iam-proof"))), "untrusted_issuer");
        }
        assertThat(workloadSts.requests()).hasSize(sent);
    }

    /**
     * A genuine EC2 document (realdocs, us-west-2) bound to an instance-role proof: the region
     * certificates file replaced one region's certificate and left the shipped ones of every
     * other region in place, so AWS's own signature still verifies.
     */
    @Test
    void tokenWhenGenuineEc2DocumentOfAnotherRegionThenShippedCertificateStillVerifies()
            throws Exception {
        var genuine = instanceRole("ASIATESTGENUINE00001", "278576220453",
                "i-078517ca8a70a1dde");
        workloadSts.addPrincipal(genuine);
        ObjectNode document = JSON.createObjectNode();
        document.put("form", "rsa2048");
        document.put("signature", RealDocs.read(EC2_IID + "pkcs7.pem"));
        String proof = bundle(document, new TestIamProofs(genuine,
                challenge(handlers.get("ES256")), VEND, Instant.now())
                .host(workloadStsHost(), "us-east-1").node());

        APIGatewayV2HTTPResponse response = handle(handlers.get("ES256"),
                tokenEvent(attestation(proof, "aws-ec2-bundle")));

        // Verified: only policy refuses it, as no policy names that account.
        assertRefused(response, "no_matching_policy");
    }

    private static final String AZURE_ATT01 = "azure-attested/att-01-westeurope-2021-01-04.json";
    private static final String EC2_IID = "aws-iid/iid-04-us-west-2-2021-rsa2048/";

    /** A valid proof of a cloud source for this challenge. */
    private String cloudProof(Source source, String challenge) {
        return switch (source) {
            case AZURE -> TestAzureAttested.envelope(AZURE_PKI.signLikeAzure(
                    azureContent(challenge, AZURE_SUBSCRIPTION, AZURE_VM)));
            case AWS_IAM -> iamProof(DEPLOYER, challenge).toString();
            case AWS_EC2 -> bundle(EC2_REGION.rsa2048(TestInstanceDocuments.document(
                    EC2_ACCOUNT, EC2_REGION_NAME, EC2_INSTANCE)),
                    iamProof(INSTANCE_ROLE, challenge));
            default -> throw new IllegalArgumentException(source + " is not a cloud source");
        };
    }

    /** A proof of the same workload whose signed bytes were changed, or signed by a stranger. */
    private String forgedProof(Source source, String challenge) {
        return switch (source) {
            case AZURE -> {
                byte[] signed = AZURE_PKI.signLikeAzure(
                        azureContent(challenge, AZURE_SUBSCRIPTION, AZURE_VM));
                String edited = azureContent(challenge, AZURE_SUBSCRIPTION,
                        "00000000-24a0-41f3-b949-8baf4fd1c573");
                yield TestAzureAttested.envelope(TestAzureAttested.withContent(signed,
                        edited.getBytes(StandardCharsets.UTF_8)));
            }
            case AWS_IAM -> new TestIamProofs(DEPLOYER, challenge, VEND, Instant.now())
                    .host(workloadStsHost(), "us-east-1").secret("not-the-secret").json();
            case AWS_EC2 -> {
                String document = TestInstanceDocuments.document(EC2_ACCOUNT, EC2_REGION_NAME,
                        EC2_INSTANCE);
                // Signed by a key the deployment does not trust for the region.
                yield bundle(new TestInstanceDocuments().rsa2048(document),
                        iamProof(INSTANCE_ROLE, challenge));
            }
            default -> throw new IllegalArgumentException(source + " is not a cloud source");
        };
    }

    /** A genuine proof of a workload no policy names. */
    private String unentitledProof(Source source, String challenge) {
        return switch (source) {
            case AZURE -> TestAzureAttested.envelope(AZURE_PKI.signLikeAzure(azureContent(
                    challenge, "0b5a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", AZURE_VM)));
            case AWS_IAM -> iamProof(OPERATOR, challenge).toString();
            case AWS_EC2 -> bundle(EC2_REGION.rsa2048(TestInstanceDocuments.document(
                    "999988887777", EC2_REGION_NAME, "i-0fedcba9876543210")),
                    iamProof(FOREIGN_INSTANCE_ROLE, challenge));
            default -> throw new IllegalArgumentException(source + " is not a cloud source");
        };
    }

    private static String azureContent(String nonce, String subscription, String vm) {
        Instant now = Instant.now();
        return TestAzureAttested.content(nonce, now, now.plus(Duration.ofHours(6)))
                .replace(AZURE_SUBSCRIPTION, subscription).replace(AZURE_VM, vm);
    }

    private ObjectNode iamProof(FakeSts.Principal principal, String challenge) {
        return new TestIamProofs(principal, challenge, VEND, Instant.now())
                .host(workloadStsHost(), "us-east-1").node();
    }

    private static String bundle(ObjectNode document, ObjectNode proof) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.set("instance_document", document);
        bundle.set("iam_proof", proof);
        return bundle.toString();
    }

    private static FakeSts.Principal instanceRole(String accessKeyId, String account,
            String instance) {
        return new FakeSts.Principal(accessKeyId, "instance-secret/" + accessKeyId,
                "IQoJInstanceToken" + accessKeyId, account,
                "arn:aws:sts::" + account + ":assumed-role/aws:ec2-instance/" + instance,
                account + ":aws:ec2-instance:" + instance);
    }

    /** The host workloads sign their IAM proofs for: the fake STS's, with its port. */
    private String workloadStsHost() {
        URI endpoint = workloadSts.endpoint();
        return endpoint.getHost() + ":" + endpoint.getPort();
    }

    /**
     * The deployment settings that make Vend trust the test clouds: the test PKI's root and
     * intermediate for Azure, the test region certificate for EC2 documents, and the fake STS
     * as one more STS endpoint.
     */
    private Map<String, String> cloudTrust() {
        Path roots = TestCa.writePem(dir.resolve("azure/roots.pem"), AZURE_PKI.root());
        Path intermediates = TestCa.writePem(dir.resolve("azure/intermediates.pem"),
                AZURE_PKI.ca());
        Path regions = EC2_REGION.writeRegionCertificatesFile(dir, EC2_REGION_NAME);
        return Map.of(
                "vend.azure-roots-file", roots.toString(),
                "vend.azure-intermediates-file", intermediates.toString(),
                "vend.aws-region-certificates-file", regions.toString(),
                "vend.aws-sts-endpoint", workloadSts.endpoint().toString());
    }

    /** Status, headers and body, with the request id and the {@code Date} value replaced. */
    private static String masked(APIGatewayV2HTTPResponse response) {
        var headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.getHeaders());
        headers.replace("Date", "-");
        return response.getStatusCode() + " " + headers + " " + response.getBody()
                .replaceAll("\"request_id\":\"[0-9a-f]{32}\"", "\"request_id\":\"-\"");
    }

    private String challenge(VendLambdaHandler handler) throws IOException {
        String challenge = JSON.readTree(handle(handler, event("POST", "/challenge",
                new HashMap<>(), null)).getBody()).get("challenge").asText();
        logs.list.clear();
        return challenge;
    }

    private static String attestation(String subjectToken, String type) {
        return "grant_type=" + enc(EXCHANGE) + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc(VEND_TYPE + type);
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

    /**
     * Every parameter but {@code audience} and {@code resource} may appear once. A repeated
     * {@code actor_token} is refused as repeated: the form is refused while it is read, before
     * any parameter's meaning is looked at.
     */
    @ParameterizedTest(name = "{0} twice")
    @ValueSource(strings = {"grant_type", "subject_token", "subject_token_type", "scope",
        "requested_token_type", "actor_token"})
    void tokenWhenParameterRepeatedThenInvalidRequest(String parameter) throws Exception {
        String proof = githubToken("1001", "123");
        Map<String, String> values = Map.of("grant_type", EXCHANGE, "subject_token", proof,
                "subject_token_type", JWT, "scope", "read",
                "requested_token_type", "urn:ietf:params:oauth:token-type:access_token",
                "actor_token", proof);
        String once = "&" + parameter + "=" + enc(values.get(parameter));
        boolean inBaseForm = List.of("grant_type", "subject_token", "subject_token_type")
                .contains(parameter);
        String form = form(proof, API) + once + (inBaseForm ? "" : once);

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

    /**
     * A payload 1.0 event that says it is 2.0: its {@code requestContext} has 1.0's members
     * ({@code httpMethod}, {@code path}, {@code identity}) and no {@code http}, which is where
     * the 2.0 adapter reads the method and path from.
     */
    @Test
    void tokenWhenVersionSaysTwoButRequestContextIsPayloadV1ThenInvalidRequestNeverAnException()
            throws Exception {
        String mixed = """
                {"version": "2.0", "routeKey": "$default", "rawPath": "/token",
                 "rawQueryString": "", "headers": {"content-type": "%s"},
                 "requestContext": {"accountId": "123456789012", "apiId": "vendapi",
                   "httpMethod": "POST", "path": "/prod/token", "stage": "prod",
                   "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                   "identity": {"sourceIp": "192.0.2.10"}},
                 "body": "%s", "isBase64Encoded": false}
                """.formatted(FORM, form(githubToken("1001", "123"), API));
        APIGatewayV2HTTPEvent event = JSON.copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(mixed, APIGatewayV2HTTPEvent.class);
        assertThat(event.getRequestContext()).isNotNull();
        assertThat(event.getRequestContext().getHttp()).isNull();

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    @ParameterizedTest(name = "method <{0}>")
    @ValueSource(strings = {"", " "})
    void tokenWhenMethodIsBlankThenInvalidRequestNeverAnException(String method) throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.getRequestContext().getHttp().setMethod(method);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    @Test
    void tokenWhenMethodIsNullThenInvalidRequestNeverAnException() throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.getRequestContext().getHttp().setMethod(null);

        assertRefused(handle(handlers.get("ES256"), event), "unsupported_event");
    }

    @ParameterizedTest(name = "path <{0}>")
    @ValueSource(strings = {"/to ken", "/token%zz", "/.well-known/jwks.json%", "/x\\y"})
    void tokenWhenPathIsNoUriThenInvalidRequestNeverAnException(String path) throws Exception {
        var event = tokenEvent(form(githubToken("1001", "123"), API));
        event.getRequestContext().getHttp().setPath(path);
        event.setRawPath(path);

        assertRefused(handle(handlers.get("ES256"), event), "malformed_request");
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
            case AZURE, AWS_IAM, AWS_EC2 -> cloudProof(source, challenge(handler));
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
                        """.formatted(API),
                "azure.yaml", """
                        apiVersion: vend.dev/v1
                        id: azure-vm
                        issuer: azure
                        conditions: {subscription_id: "%s", vm_id: "%s"}
                        issue: {audiences: [%s]}
                        """.formatted(AZURE_SUBSCRIPTION, AZURE_VM, API),
                "aws-iam.yaml", """
                        apiVersion: vend.dev/v1
                        id: aws-deployer
                        issuer: aws-iam
                        conditions:
                          account: "%s"
                          principal_type: assumed-role
                          role_name: deployer
                        issue: {audiences: [%s]}
                        """.formatted(AWS_ACCOUNT, API),
                "aws-ec2.yaml", """
                        apiVersion: vend.dev/v1
                        id: ec2-builder
                        issuer: aws-ec2
                        conditions: {account: "%s", instance_id: %s, region: %s}
                        issue: {audiences: [%s], carry: [instance_id, region, arn]}
                        """.formatted(EC2_ACCOUNT, EC2_INSTANCE, EC2_REGION_NAME, API));
        for (Map.Entry<String, String> policy : policies.entrySet()) {
            Files.writeString(folder.resolve(policy.getKey()), policy.getValue());
        }
        LambdaDeployment.syncPolicies(folder, table, endpoints.dynamoDb(), endpoints.region(),
                issuers, VEND);
    }
}
