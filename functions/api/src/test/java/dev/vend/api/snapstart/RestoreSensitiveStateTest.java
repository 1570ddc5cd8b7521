// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.RestoreAware;
import dev.vend.api.LambdaHarness;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.snapstart.SensitiveStateWalker.Finding;
import dev.vend.api.wiring.VendAssembly;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.policy.PolicyTableSync;
import dev.vend.model.TokenTypes;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.PolicyCompiler;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.testsupport.DynamoDbTables;
import dev.vend.testsupport.FakeKms;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.aws.AwsVerifierConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.crac.test.CheckpointSimulator;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.inject.BeanDefinition;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Field case BUG-26 on the deployment's own application context, wired as in Lambda: policies
 * and single-use entries in dynalite, signing keys in a {@link FakeKms}, AWS credentials from one
 * {@link FakeSts} ({@code AssumeRole}), IAM proofs checked at another ({@code GetCallerIdentity}),
 * issuer keys by discovery from an HTTPS {@link TestOidcIssuer}, and a clock that moves two hours
 * between snapshot and restore.
 *
 * <p>The state a snapshot must not carry is found by {@link SensitiveStateWalker}, from every
 * singleton bean of Vend and every static field of Vend's classes, without asking any component
 * what it holds. Every request kind runs before the snapshot, so each lazily made client and
 * generator exists. Then: each holder of such state must be restore-aware and reachable from
 * the components SnapStart's restore hook resets; after Micronaut's {@link CheckpointSimulator}
 * drove both hooks and every request kind ran again, none of those values may still be held, and
 * every request kind must have worked on the first try.
 */
@ExtendWith(DynaliteExtension.class)
class RestoreSensitiveStateTest {

    private static final String VEND = "https://vend.test";
    private static final String API = "https://api.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SNAPSHOT_TIME = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Instant RESTORE_TIME = SNAPSHOT_TIME.plus(Duration.ofHours(2));
    private static final Map<String, String> SDK_SETTINGS = Map.of(
            "aws.accessKeyId", FakeSts.CALLER_ACCESS_KEY_ID,
            "aws.secretAccessKey", FakeSts.CALLER_SECRET_KEY,
            "aws.sessionToken", FakeSts.CALLER_SESSION_TOKEN,
            "aws.region", "us-east-1");
    private static final String ENDPOINT_URL_STS = "aws.endpointUrlSts";
    /** A role session whose IAM proof the aws-iam policy accepts. */
    private static final FakeSts.Principal DEPLOYER = new FakeSts.Principal(
            "ASIATESTDEPLOYER0001", "deployer-secret-key/0123456789abcdefEXAMPLE",
            "IQoJb3JpZ2luX2VjEDeployerToken==", "111122223333",
            "arn:aws:sts::111122223333:assumed-role/deployer/build-42",
            "AROATESTDEPLOYERROLE:build-42");

    private static FakeKms kms;
    private static String keyArn;
    private static FakeSts credentialsSts;
    private static String role;
    private static DynamoDbClient tables;
    private static String dynamoDbEndpoint;

    @TempDir
    Path dir;

    private final SnapStartPrimingTest.MovableClock clock =
            new SnapStartPrimingTest.MovableClock(SNAPSHOT_TIME);
    private final Instant wallClockAtStart = Instant.now();
    private volatile Instant wallClockAtSnapshot = Instant.MAX;
    private final SensitiveStateWalker walker = new SensitiveStateWalker(this::readBeforeSnapshot);
    private TestOidcIssuer issuer;
    private FakeSts proofSts;
    private ApplicationContext context;
    private VendLambdaHandler handler;

    /** The responses of one round of every request kind. */
    private record Round(APIGatewayV2HTTPResponse token, APIGatewayV2HTTPResponse challenge,
            APIGatewayV2HTTPResponse iamProof, APIGatewayV2HTTPResponse credentials) {

        List<Integer> statuses() {
            return List.of(token.getStatusCode(), challenge.getStatusCode(),
                    iamProof.getStatusCode(), credentials.getStatusCode());
        }
    }

    @BeforeAll
    static void startDependencies(Dynalite dynalite) {
        kms = FakeKms.start();
        keyArn = kms.createEcP256Key();
        credentialsSts = FakeSts.start();
        role = credentialsSts.createRole("deploy");
        tables = DynamoDbTables.client(dynalite);
        dynamoDbEndpoint = dynalite.endpoint().toString();
        SDK_SETTINGS.forEach(System::setProperty);
        System.setProperty(ENDPOINT_URL_STS, credentialsSts.endpoint().toString());
    }

    @AfterAll
    static void stopDependencies() {
        SDK_SETTINGS.keySet().forEach(System::clearProperty);
        System.clearProperty(ENDPOINT_URL_STS);
        tables.close();
        credentialsSts.close();
        kms.close();
    }

    @BeforeEach
    void start() throws Exception {
        issuer = TestOidcIssuer.start();
        proofSts = FakeSts.start(clock);
        proofSts.addPrincipal(DEPLOYER);
        String policyTable = table("policies", true);
        context = ApplicationContext.builder()
                .environments("function", "lambda", "test")
                .properties(settings(policyTable))
                .singletons(clock, new HttpsFetcher(issuer.sslContext(), Duration.ofSeconds(3)))
                .start();
        handler = new VendLambdaHandler(context);
        syncPolicies(policyTable);
    }

    @AfterEach
    void stop() {
        context.close();
        proofSts.close();
        issuer.close();
    }

    @Test
    void beforeTheSnapshotWhenEveryRequestKindRanThenEachSensitiveHolderIsReset() {
        assertThat(vendEveryKind().statuses()).containsOnly(200);

        List<Finding> found = walker.findings(roots());

        assertThat(found).extracting(Finding::kind).contains("sdk client kms",
                "sdk client dynamodb", "sdk client sts", "http client", "random generator",
                "instant captured before the snapshot");
        assertThat(found).filteredOn(f -> f.kind().equals("http client")).hasSize(2);
        // Request ids and POST /challenge; the verifiers' challenges are only consumed, so
        // their generator is never made.
        assertThat(found).filteredOn(f -> f.kind().equals("random generator")).hasSize(2);
        Set<Object> reset = walker.reachable(priming().restoreAware());
        assertThat(found).allSatisfy(finding -> {
            assertThat(finding.holder()).as(finding.toString()).isInstanceOf(RestoreAware.class);
            assertThat(reset.contains(finding.holder())).as(finding.toString()).isTrue();
        });
    }

    @Test
    void afterRestoreWhenTheSnapshotIsTwoHoursOldThenNoSensitiveValueOfItIsStillHeld() {
        vendEveryKind();
        Set<Object> beforeSnapshot = identities(walker.findings(roots()));

        restore();
        assertThat(vendEveryKind().statuses()).containsOnly(200);
        List<Finding> afterRestore = walker.findings(roots());

        assertThat(afterRestore).filteredOn(finding -> beforeSnapshot.contains(finding.value())
                || finding.value() instanceof Instant).isEmpty();
        assertThat(afterRestore).extracting(Finding::kind).contains("sdk client kms",
                "sdk client dynamodb", "sdk client sts", "http client", "random generator");
    }

    @Test
    void firstRequestsAfterRestoreWhenEveryKindRanBeforeThenEachWorksWithFreshTimeAndConnections()
            throws Exception {
        vendEveryKind();
        int signs = kms.calls("Sign");
        int jwksFetches = issuer.jwksFetches();
        int issuerConnections = issuer.connections();
        int sessions = credentialsSts.sessions().size();

        restore();
        Round round = vendEveryKind();

        assertThat(round.statuses()).containsOnly(200);
        JWTClaimsSet claims = claims(round.token());
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(RESTORE_TIME);
        assertThat(claims(round.iamProof()).getIssueTime().toInstant()).isEqualTo(RESTORE_TIME);
        assertThat(kms.calls("Sign") - signs).isEqualTo(2);
        assertThat(issuer.jwksFetches()).isEqualTo(jwksFetches + 1);
        assertThat(issuer.connections()).isGreaterThan(issuerConnections);
        assertThat(proofSts.requests()).hasSize(2);
        assertThat(credentialsSts.sessions()).hasSize(sessions + 1)
                .last().satisfies(session -> assertThat(session.roleArn()).isEqualTo(role));
    }

    // ---------------------------------------------------------------- steps

    /** Runs the hooks as SnapStart would, with the clock two hours on at the restore. */
    private void restore() {
        var simulator = context.getBean(CheckpointSimulator.class);
        simulator.runBeforeCheckpoint();
        wallClockAtSnapshot = Instant.now();
        clock.set(RESTORE_TIME);
        simulator.runAfterRestore();
    }

    /**
     * One request of each kind, each touching its own restore-sensitive parts: a JWT signed by
     * KMS (issuer keys over HTTPS, the policy table, a {@code jti} in the single-use table), a
     * challenge, an IAM proof for it (STS over HTTP), and AWS credentials ({@code AssumeRole}).
     */
    private Round vendEveryKind() {
        APIGatewayV2HTTPResponse token = post("/token", tokenForm("workload-1", null));
        APIGatewayV2HTTPResponse challenge = post("/challenge", null);
        APIGatewayV2HTTPResponse iamProof = post("/token", iamProofForm(challengeOf(challenge)));
        APIGatewayV2HTTPResponse credentials = post("/token",
                tokenForm("deployer-1", TokenTypes.AWS_CREDENTIALS));
        return new Round(token, challenge, iamProof, credentials);
    }

    /**
     * Where the walk starts: every singleton bean that is Vend's own or made by Vend's factory,
     * and every static field of Vend's classes in the core, aws and api modules.
     */
    private Map<String, Object> roots() {
        var roots = new LinkedHashMap<String, Object>();
        for (BeanDefinition<?> definition : context.getAllBeanDefinitions()) {
            if (definition.isSingleton() && isVends(definition)) {
                roots.put("bean#" + roots.size() + " " + definition.getBeanType().getName(),
                        context.getBean(definition));
            }
        }
        roots.putAll(SensitiveStateWalker.staticFields(List.of(RestoreAware.class,
                DynamoDbClients.class, SnapStartPriming.class)));
        return roots;
    }

    private static boolean isVends(BeanDefinition<?> definition) {
        return definition.getBeanType().getName().startsWith("dev.vend.")
                || definition.getDeclaringType()
                        .filter(type -> type.getName().startsWith("dev.vend.")).isPresent();
    }

    /** An instant read from the test's clock or the wall clock before the snapshot was taken. */
    private boolean readBeforeSnapshot(Instant instant) {
        return instant.equals(SNAPSHOT_TIME)
                || !instant.isBefore(wallClockAtStart) && instant.isBefore(wallClockAtSnapshot);
    }

    private static Set<Object> identities(List<Finding> findings) {
        Set<Object> values = Collections.newSetFromMap(new IdentityHashMap<>());
        findings.forEach(finding -> values.add(finding.value()));
        return values;
    }

    private SnapStartPriming priming() {
        return context.getBean(SnapStartPriming.class);
    }

    // ---------------------------------------------------------------- wiring

    private Map<String, Object> settings(String policyTable) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", VEND);
        properties.put("vend.issuers-file", issuers().toString());
        properties.put("vend.policy-table", policyTable);
        properties.put("vend.single-use-table", table("single-use", false));
        properties.put("vend.dynamodb-endpoint", dynamoDbEndpoint);
        properties.put("vend.signing-keys", "[{\"arn\":\"" + keyArn + "\",\"state\":\"active\"}]");
        properties.put("vend.kms-endpoint", kms.endpoint().toString());
        properties.put("vend.aws-sts-endpoint", proofSts.endpoint().toString());
        return properties;
    }

    private Path issuers() throws Exception {
        return Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    discovery: true
                    allowPrivateNetwork: true
                    algorithms: [RS256]
                    singleUseJti: true
                  - id: aws-iam
                    issuer: https://sts.amazonaws.com
                    preset: aws-iam
                    pinnedClaims: [account]
                """.formatted(issuer.issuer()));
    }

    /** Writes the three policies into the table, compiled as the function compiles them. */
    private void syncPolicies(String policyTable) throws Exception {
        var compiler = new PolicyCompiler(context.getBean(VendAssembly.class).issuers(),
                new PolicyCompiler.Limits(VEND, Duration.ofHours(1)));
        var sources = new ArrayList<PolicyTableSync.Source>();
        for (Map.Entry<String, String> policy : policies().entrySet()) {
            Map<String, Object> document = YamlDocuments.parseMapping(policy.getValue(),
                    policy.getKey());
            sources.add(new PolicyTableSync.Source(compiler.compile(document, policy.getKey()),
                    document));
        }
        var sync = new PolicyTableSync(tables, policyTable);
        sync.apply(sync.plan(sources, compiler), sources, compiler);
    }

    private static Map<String, String> policies() {
        return Map.of("ci-workload.yaml", """
                apiVersion: vend.dev/v1
                id: ci-workload
                issuer: ci
                conditions: {sub: workload-1}
                issue: {audiences: [%s], scopes: [read]}
                """.formatted(API), "ci-deploy.yaml", """
                apiVersion: vend.dev/v1
                id: ci-deploy
                issuer: ci
                conditions: {sub: deployer-1}
                issue:
                  awsRole: {roleArn: "%s", maxLifetimeSeconds: 900}
                """.formatted(role), "aws-deployer.yaml", """
                apiVersion: vend.dev/v1
                id: aws-deployer
                issuer: aws-iam
                conditions:
                  account: "%s"
                  principal_type: assumed-role
                  role_name: deployer
                issue: {audiences: [%s]}
                """.formatted(DEPLOYER.account(), API));
    }

    private static String table(String prefix, boolean sortKey) {
        String name = Dynalite.uniqueTableName(prefix);
        DynamoDbTables.create(tables, name, sortKey);
        return name;
    }

    // ---------------------------------------------------------------- requests

    private APIGatewayV2HTTPResponse post(String path, String form) {
        var headers = new HashMap<String, String>();
        if (form != null) {
            headers.put("content-type", "application/x-www-form-urlencoded");
        }
        return handler.handleRequest(LambdaHarness.event("POST", path, headers, form, false),
                new MockLambdaContext());
    }

    private String tokenForm(String subject, String requestedType) {
        String token = issuer.token().clock(clock).subject(subject).audience(VEND).sign();
        return "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(token)
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:jwt")
                + (requestedType == null ? "&audience=" + encode(API)
                        : "&requested_token_type=" + encode(requestedType));
    }

    private String iamProofForm(String challenge) {
        String host = AwsVerifierConfig.StsEndpoint.parse(proofSts.endpoint().toString()).host();
        String proof = new TestIamProofs(DEPLOYER, challenge, VEND, clock.instant())
                .host(host, "us-east-1").json();
        return "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(proof)
                + "&subject_token_type=" + encode(TokenTypes.AWS_IAM_PROOF)
                + "&audience=" + encode(API);
    }

    private static String challengeOf(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.readTree(response.getBody()).get("challenge").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JWTClaimsSet claims(APIGatewayV2HTTPResponse response) throws Exception {
        JsonNode body = JSON.readTree(response.getBody());
        return SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
