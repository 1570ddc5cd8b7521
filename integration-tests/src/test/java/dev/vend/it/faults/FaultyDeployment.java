// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

import static dev.vend.it.ApiGatewayEvents.enc;
import static dev.vend.it.ApiGatewayEvents.event;
import static dev.vend.it.ApiGatewayEvents.form;
import static dev.vend.it.ApiGatewayEvents.handle;
import static dev.vend.it.ApiGatewayEvents.tokenEvent;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.it.LambdaDeployment;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.FakeKms;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.FaultProxy;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.HttpsFetcher;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Vend deployed as its Lambda function on emulated dependencies, each reached through a
 * {@link FaultProxy}: dynalite (the policy table and the single-use table share one endpoint,
 * as in AWS; faults pick the operation, {@code Query} or {@code PutItem}), {@link FakeKms}
 * ({@code Sign}), {@link FakeSts} for Vend's own {@code AssumeRole} and another for the
 * {@code GetCallerIdentity} of the AWS IAM proofs Vend checks ({@code vend.aws-sts-endpoint}),
 * and a {@link TestOidcIssuer} whose key set the issuer entry names by {@code jwksUri}
 * ({@value #JWKS}). The OIDC issuer has the GitHub Actions preset, so each token's {@code jti}
 * is consumed in the single-use table; an IAM proof's challenge is consumed there too.
 *
 * <p>{@link #coldStart()} starts a new execution environment: an application context built
 * from {@code vend.*} settings with its own clock, its own KMS fake, its own fake STS for IAM
 * proofs and its own proxies in front of DynamoDB, KMS, that STS and the key set, so
 * environments started on several threads never see each other's faults or calls. The STS of
 * {@code AssumeRole} is shared: the SDK reads its endpoint from a JVM-wide setting.
 * The only beans a test supplies are the clock and an {@link HttpsFetcher} trusting the test CA,
 * with production's timeout.
 */
final class FaultyDeployment implements AutoCloseable {

    static final String VEND = "https://vend.test";
    static final String API = "https://api.example.com";
    static final String AWS_CREDENTIALS = "urn:vend:params:oauth:token-type:aws-credentials";
    /** The path of the issuer's key set, and the operation its proxy counts. */
    static final String JWKS = "/.well-known/jwks";
    /** The policy entitling access tokens for {@link #API}. */
    static final String TOKEN_POLICY = "app";
    /** The policy entitling {@link #DEPLOYER}'s IAM proofs to access tokens for {@link #API}. */
    static final String IAM_POLICY = "iam";
    /** The subject token type of an AWS IAM proof. */
    static final String IAM_PROOF = "urn:vend:params:oauth:token-type:aws-iam-proof";
    /** A role session whose IAM proofs the {@link #IAM_POLICY} entitles. */
    static final FakeSts.Principal DEPLOYER = new FakeSts.Principal("ASIATESTDEPLOYER0001",
            "deployer-secret-key/0123456789abcdefEXAMPLE", "IQoJb3JpZ2luX2VjEDeployerToken==",
            "111122223333", "arn:aws:sts::111122223333:assumed-role/deployer/build-42",
            "AROATESTDEPLOYERROLE:build-42");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Dynalite dynalite = Dynalite.shared();
    private final String policyTable = Dynalite.uniqueTableName("policies");
    private final String singleUseTable = Dynalite.uniqueTableName("single-use");
    final FakeSts sts = FakeSts.start();
    final FaultProxy stsProxy = FaultProxy.forHttp(sts.endpoint());
    private final TestOidcIssuer idp = TestOidcIssuer.start();

    private FaultyDeployment() throws IOException {
        dir = Files.createTempDirectory("vend-faults");
        LambdaDeployment.setAwsProperties(FakeKms.REGION, FakeSts.CALLER_ACCESS_KEY_ID,
                FakeSts.CALLER_SECRET_KEY, FakeSts.CALLER_SESSION_TOKEN, stsProxy.endpoint());
        try (DynamoDbClient client = LambdaDeployment.dynamoDb(dynalite.endpoint(),
                Dynalite.REGION, Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY, null)) {
            LambdaDeployment.createTable(client, policyTable, true);
            LambdaDeployment.createTable(client, singleUseTable, false);
        }
        LambdaDeployment.syncPolicies(writePolicies(sts.createRole("vend-faults")), policyTable,
                dynalite.endpoint(), Dynalite.REGION, writeIssuers(idp.jwksUri()), VEND);
    }

    /** Starts the shared emulators, creates the tables and writes the policies. */
    static FaultyDeployment start() throws IOException {
        return new FaultyDeployment();
    }

    /** A new execution environment: a fresh application context, its own clock, caches cold. */
    Environment coldStart() {
        return new Environment();
    }

    @Override
    public void close() throws IOException {
        stsProxy.close();
        sts.close();
        idp.close();
        LambdaDeployment.clearAwsProperties();
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private Path writeIssuers(URI jwks) throws IOException {
        return Files.writeString(dir.resolve("issuers-" + UUID.randomUUID() + ".yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: github-actions
                    jwksUri: %s
                    allowPrivateNetwork: true
                  - id: aws-iam
                    issuer: https://sts.amazonaws.com
                    preset: aws-iam
                    pinnedClaims: [account]
                """.formatted(idp.issuer(), jwks));
    }

    private Path writePolicies(String role) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(folder.resolve("app.yaml"), """
                apiVersion: vend.dev/v1
                id: %s
                issuer: ci
                conditions: {repository_owner_id: "1001", repository_id: "123"}
                issue: {audiences: [%s]}
                """.formatted(TOKEN_POLICY, API));
        Files.writeString(folder.resolve("aws.yaml"), """
                apiVersion: vend.dev/v1
                id: aws
                issuer: ci
                conditions: {repository_owner_id: "2002", repository_id: "456"}
                issue:
                  awsRole: {roleArn: "%s", maxLifetimeSeconds: 900}
                """.formatted(role));
        Files.writeString(folder.resolve("iam.yaml"), """
                apiVersion: vend.dev/v1
                id: %s
                issuer: aws-iam
                conditions: {account: "%s", principal_type: assumed-role, role_name: deployer}
                issue: {audiences: [%s]}
                """.formatted(IAM_POLICY, DEPLOYER.account(), API));
        return folder;
    }

    /**
     * One execution environment of the function: its context, handler, clock, KMS fake and
     * proxies. Closing it closes them all.
     */
    final class Environment implements AutoCloseable {

        final TestClock clock = new TestClock();
        final FakeKms kms = FakeKms.start();
        final FaultProxy dynamoDbProxy = FaultProxy.forHttp(dynalite.endpoint());
        final FaultProxy kmsProxy = FaultProxy.forHttp(kms.endpoint());
        final FaultProxy jwksProxy = FaultProxy.forHttps(idp.issuerUri(), idp.ca());
        /** The STS that checks this environment's IAM proofs, and the proxy in front of it. */
        final FakeSts iamSts = FakeSts.start(clock);
        final FaultProxy iamStsProxy = FaultProxy.forHttp(iamSts.endpoint());
        private final ApplicationContext context;
        private final VendLambdaHandler handler;

        private Environment() {
            Map<String, Object> settings = new HashMap<>();
            settings.put("vend.issuer-url", VEND);
            settings.put("vend.issuers-file", issuersFile().toString());
            settings.put("vend.policy-table", policyTable);
            settings.put("vend.single-use-table", singleUseTable);
            settings.put("vend.dynamodb-endpoint", dynamoDbProxy.endpoint().toString());
            settings.put("vend.signing-keys", "[{\"arn\":\"" + kms.createEcP256Key()
                    + "\",\"state\":\"active\"}]");
            settings.put("vend.kms-endpoint", kmsProxy.endpoint().toString());
            settings.put("vend.aws-sts-endpoint", iamStsProxy.endpoint().toString());
            iamSts.addPrincipal(DEPLOYER);
            var fetcher = new HttpsFetcher(TestCa.shared().clientSslContext(),
                    HttpsFetcher.DEFAULT_TIMEOUT);
            context = LambdaDeployment.start(settings, clock, fetcher);
            handler = new VendLambdaHandler(context);
        }

        /** The proxy in front of STS, shared by every environment. */
        FaultProxy stsProxy() {
            return stsProxy;
        }

        /** The fake STS, shared by every environment. */
        FakeSts sts() {
            return sts;
        }

        /** {@code POST /token} with this form body. */
        APIGatewayV2HTTPResponse exchange(String form) {
            return handle(handler, tokenEvent(form));
        }

        /** A form exchanging a fresh proof for an access token to {@link #API}. */
        String tokenForm() {
            return form(proof("1001", "123").sign(), API);
        }

        /** A form exchanging a fresh proof for AWS credentials. */
        String awsCredentialsForm() {
            return awsCredentialsForm(proof("2002", "456").sign());
        }

        /** A form asking AWS credentials for this proof. */
        String awsCredentialsForm(String proof) {
            return form(proof, null) + "&requested_token_type=" + enc(AWS_CREDENTIALS);
        }

        /** A form exchanging a fresh IAM proof of {@link #DEPLOYER} for an access token. */
        String iamProofForm() {
            return iamProofForm(clock.instant());
        }

        /**
         * A form exchanging an IAM proof of {@link #DEPLOYER}, signed at this instant for a
         * challenge just issued by {@code POST /challenge} (a write to the single-use table), for
         * an access token to {@link #API}. The proof is signed for the host of
         * {@link #iamStsProxy}, the deployment's {@code vend.aws-sts-endpoint}.
         */
        String iamProofForm(Instant signedAt) {
            URI sts = iamStsProxy.endpoint();
            String proof = new TestIamProofs(DEPLOYER, challenge(), VEND, signedAt)
                    .host(sts.getHost() + ":" + sts.getPort(), "us-east-1").json();
            return form(proof, API, IAM_PROOF);
        }

        private String challenge() {
            APIGatewayV2HTTPResponse response = handle(handler,
                    event("POST", "/challenge", new HashMap<>(), null));
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("no challenge: " + response.getBody());
            }
            try {
                return JSON.readTree(response.getBody()).get("challenge").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A form with this proof and audience. */
        String formFor(String proof, String audience) {
            return form(proof, audience);
        }

        /** A genuine proof of the repository, fresh on this environment's clock. */
        TestTokens.Builder proof(String ownerId, String repositoryId) {
            return idp.token().clock(clock).subject("repo:acme/app:ref:refs/heads/main")
                    .audience(VEND).jwtId(UUID.randomUUID().toString())
                    .lifetime(Duration.ofMinutes(5))
                    .claim("repository_owner_id", ownerId).claim("repository_id", repositoryId)
                    .claim("repository", "acme/app").claim("repository_owner", "acme");
        }

        /** The proof of {@link #tokenForm()} signed by a key the issuer never published. */
        String forgedProof() {
            return TestTokens.signedWith(TestKeys.freshRsa2048()).issuer(idp.issuer())
                    .keyId(idp.signingKey().getKeyID()).clock(clock)
                    .subject("repo:acme/app:ref:refs/heads/main").audience(VEND)
                    .jwtId(UUID.randomUUID().toString())
                    .claim("repository_owner_id", "1001").claim("repository_id", "123")
                    .claim("repository", "acme/app").claim("repository_owner", "acme").sign();
        }

        @Override
        public void close() {
            context.close();
            List.of(dynamoDbProxy, kmsProxy, jwksProxy, iamStsProxy).forEach(FaultProxy::close);
            kms.close();
            iamSts.close();
        }

        private Path issuersFile() {
            try {
                return writeIssuers(URI.create(jwksProxy.endpoint() + JWKS));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
