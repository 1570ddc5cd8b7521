// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import com.nimbusds.jose.JWSAlgorithm;
import dev.vend.RestoreAware;
import dev.vend.audit.AuditLog;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.kms.KmsClients;
import dev.vend.aws.kms.KmsSigningKeys;
import dev.vend.aws.sts.StsCredentialsVendor;
import dev.vend.aws.policy.DynamoDbPolicyStore;
import dev.vend.challenge.Challenges;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.SigningKey;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.issue.TokenIssuer;
import dev.vend.metrics.Metrics;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyEngine;
import dev.vend.policy.PolicyStore;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.SingleUseStore;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.aws.AwsIamVerifier;
import dev.vend.verify.aws.AwsVerifierConfig;
import dev.vend.verify.aws.Ec2BundleVerifier;
import dev.vend.verify.azure.AzureVerifier;
import dev.vend.verify.azure.AzureVerifierConfig;
import dev.vend.verify.gce.GceVerifier;
import dev.vend.verify.gce.GceVerifierConfig;
import dev.vend.verify.oidc.OidcVerifier;
import dev.vend.verify.oidc.OidcVerifierConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds Vend's object graph from settings, without any framework, so the Lambda function, the
 * local server and {@code vend explain} assemble the very same pipeline. Each built graph is
 * immutable and thread-safe.
 *
 * @param settings the settings it was built from
 * @param issuers the issuer registry
 * @param policies the policy store
 * @param keys the signing keys
 * @param service the vending service
 * @param restoreAware the restore-aware parts the graph holds, for SnapStart's restore hook: the
 *     key cache of each issuer (by issuer id), the fetcher of issuer keys, the challenges the
 *     verifiers consume, the STS transport of IAM proofs and the policy table's cache. The SDK
 *     clients are not among them: whoever supplies them (the Micronaut factory) renews them.
 */
public record VendAssembly(VendSettings settings, IssuerRegistry issuers, PolicyStore policies,
        KeyRing keys, TokenVendingService service, List<RestoreAware> restoreAware) {

    /** The classpath resource holding the embedded default issuer registry. */
    public static final String DEFAULT_ISSUERS = "dev/vend/api/default-issuers.yaml";

    public VendAssembly {
        restoreAware = List.copyOf(restoreAware);
    }

    /**
     * The environment a graph is built in.
     *
     * @param clock the clock every stage uses
     * @param singleUse where challenges and single-use jti values are consumed
     * @param auditLog where audit events go
     * @param fetcher how issuer keys are fetched
     * @param metrics where the KMS signers, the policy table, STS and the issuer key caches
     *     record what they did for each request
     */
    public record Environment(Clock clock, SingleUseStore singleUse, AuditLog auditLog,
            HttpsFetcher fetcher, Metrics metrics) {

        /** An environment whose components record no metrics. */
        public Environment(Clock clock, SingleUseStore singleUse, AuditLog auditLog,
                HttpsFetcher fetcher) {
            this(clock, singleUse, auditLog, fetcher, Metrics.none());
        }
    }

    /**
     * Where the graph gets its AWS SDK clients. Each supplier is called only when the
     * configuration needs its client, and the graph keeps what it returns: a supplier whose
     * client must not cross a SnapStart restore returns a stand-in that renews it
     * ({@code RestoreAwareClient}).
     *
     * @param kms the KMS client, asked for when KMS keys are configured
     * @param dynamoDb the DynamoDB client, asked for when a policy table is set
     * @param sts the STS client of {@code AssumeRole}, asked for on the first AWS credentials
     *     vended
     */
    public record Clients(Supplier<KmsClient> kms, Supplier<DynamoDbClient> dynamoDb,
            Supplier<StsClient> sts) {

        public Clients {
            Objects.requireNonNull(kms, "kms");
            Objects.requireNonNull(dynamoDb, "dynamoDb");
            Objects.requireNonNull(sts, "sts");
        }

        /**
         * Clients with Vend's settings, each built when the graph asks for it (once) and kept
         * for the life of the graph; the STS endpoint comes from the SDK's own configuration
         * ({@code AWS_ENDPOINT_URL_STS}) or the region's.
         */
        static Clients defaults(VendSettings settings) {
            return new Clients(() -> KmsClients.create(kmsEndpoint(settings)),
                    () -> DynamoDbClients.create(dynamoDbEndpoint(settings)),
                    () -> StsCredentialsVendor.clientBuilder(null).build());
        }

        Clients withKms(Supplier<KmsClient> replacement) {
            return new Clients(replacement, dynamoDb, sts);
        }

        Clients withDynamoDb(Supplier<DynamoDbClient> replacement) {
            return new Clients(kms, replacement, sts);
        }
    }

    /**
     * Builds and checks the graph.
     *
     * @throws InvalidConfigurationException listing every configuration problem
     * @throws dev.vend.policy.PolicyException listing every policy problem
     */
    public static VendAssembly build(VendSettings settings, Environment env) {
        return build(settings, env, Clients.defaults(settings));
    }

    /**
     * Builds and checks the graph, signing with KMS keys through the given client when
     * {@code vend.signing-keys} is set. Their public keys are fetched here, once per key, so
     * before a SnapStart snapshot; the client itself may be one that is rebuilt after a restore.
     *
     * @param kms supplies the KMS client, called only when KMS keys are configured
     * @throws InvalidConfigurationException listing every configuration problem
     * @throws dev.vend.policy.PolicyException listing every policy problem
     * @throws dev.vend.verify.VendingFailure (transient) if KMS is throttled or unreachable
     */
    public static VendAssembly build(VendSettings settings, Environment env,
            Supplier<KmsClient> kms) {
        return build(settings, env, Clients.defaults(settings).withKms(kms));
    }

    /**
     * Builds and checks the graph, reading policies from the DynamoDB policy table through the
     * given client when {@code vend.policy-table} is set, else from the policies folder.
     *
     * @param kms supplies the KMS client, called only when KMS keys are configured
     * @param dynamoDb supplies the DynamoDB client, called only when a policy table is set
     * @throws InvalidConfigurationException listing every configuration problem
     * @throws dev.vend.policy.PolicyException listing every policy problem
     * @throws dev.vend.verify.VendingFailure (transient) if KMS is throttled or unreachable
     */
    public static VendAssembly build(VendSettings settings, Environment env,
            Supplier<KmsClient> kms, Supplier<DynamoDbClient> dynamoDb) {
        return build(settings, env,
                Clients.defaults(settings).withKms(kms).withDynamoDb(dynamoDb));
    }

    /**
     * Builds and checks the graph with the given SDK clients: KMS when {@code vend.signing-keys}
     * is set (public keys are fetched here, once per key, so before a SnapStart snapshot),
     * DynamoDB when {@code vend.policy-table} is set, STS on the first AWS credentials vended.
     *
     * @throws InvalidConfigurationException listing every configuration problem
     * @throws dev.vend.policy.PolicyException listing every policy problem
     * @throws dev.vend.verify.VendingFailure (transient) if KMS is throttled or unreachable
     */
    public static VendAssembly build(VendSettings settings, Environment env, Clients clients) {
        Checked checked = check(settings);
        IssuerRegistry issuers = checked.issuers();
        var limits = new PolicyCompiler.Limits(settings.issuerUrl(),
                Duration.ofSeconds(settings.maxLifetimeSeconds()));
        PolicyStore policies = policyStore(settings, new PolicyCompiler(issuers, limits), env,
                clients.dynamoDb());
        KeyRing keys = loadKeys(settings, clients.kms(), env.metrics());
        keys.checkPublication(env.clock().instant(), limits.maxLifetime());

        var issuerKeys = IssuerKeys.forRegistry(issuers, env.fetcher(), env.clock(),
                JwksCache.Timing.defaults(), env.metrics());
        var challenges = new Challenges(env.singleUse(), env.clock());
        var awsConfig = awsConfig(settings, checked.cloud(), challenges, env);
        var service = new TokenVendingService(new TokenVendingService.Parts(
                verifiers(checked, issuerKeys, challenges, awsConfig, env),
                new PolicyEngine(policies),
                new TokenIssuer(settings.issuerUrl(), keys, env.clock(),
                        StsCredentialsVendor.lazy(clients.sts(), env.metrics())),
                env.auditLog(), env.clock()));
        return new VendAssembly(settings, issuers, policies, keys, service,
                restoreAware(issuerKeys, env.fetcher(), challenges, awsConfig.sts(), policies));
    }

    private static VerifierRegistry verifiers(Checked checked, IssuerKeys issuerKeys,
            Challenges challenges, AwsVerifierConfig awsConfig, Environment env) {
        CloudTrust cloud = checked.cloud();
        var oidc = new OidcVerifier(new OidcVerifierConfig(issuerKeys, env.singleUse(),
                env.clock()));
        var gce = new GceVerifier(new GceVerifierConfig(issuerKeys, challenges, env.clock()));
        // Without configured intermediates, Azure proofs fail closed (docs/adr/0009).
        var azure = new AzureVerifier(new AzureVerifierConfig(cloud.azureRoots(),
                cloud.azureIntermediates(), challenges, env.clock()));
        return new VerifierRegistry(checked.issuers(), List.of(oidc, gce, azure,
                new AwsIamVerifier(awsConfig), new Ec2BundleVerifier(awsConfig)));
    }

    /**
     * What the AWS verifiers need: Vend's issuer URL is their server id, and DSA and RSA-1024
     * documents pass only where the deployment opted in.
     */
    private static AwsVerifierConfig awsConfig(VendSettings settings, CloudTrust cloud,
            Challenges challenges, Environment env) {
        return new AwsVerifierConfig(challenges, env.clock(), settings.issuerUrl(),
                AwsVerifierConfig.stsHosts(cloud.stsEndpoint()), cloud.stsEndpoint(),
                AwsVerifierConfig.httpsTransport(cloud.stsEndpoint()), cloud.legacyForms(),
                cloud.regionCertificates(), env.metrics());
    }

    /**
     * The graph's own restore-aware parts, in the order the restore hook resets them; the
     * policy store is one when it caches what it read (the DynamoDB table's).
     */
    private static List<RestoreAware> restoreAware(IssuerKeys issuerKeys, HttpsFetcher fetcher,
            Challenges challenges, AwsVerifierConfig.StsTransport sts, PolicyStore policies) {
        var parts = new ArrayList<RestoreAware>();
        issuerKeys.all().entrySet().stream()
                .sorted(Comparator.comparing(Map.Entry::getKey))
                .forEach(entry -> parts.add(entry.getValue()));
        parts.add(fetcher);
        parts.add(challenges);
        parts.add(sts);
        if (policies instanceof RestoreAware cache) {
            parts.add(cache);
        }
        return parts;
    }

    /** The settings once checked: the cloud trust and the issuer registry they name. */
    private record Checked(CloudTrust cloud, IssuerRegistry issuers) {
    }

    /**
     * Checks the settings, the cloud trust and the issuer registry, and reports every problem
     * of all three at once.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    private static Checked check(VendSettings settings) {
        var problems = new ArrayList<String>();
        checkSettings(settings, problems);
        CloudTrust cloud = CloudTrust.read(settings, problems);
        @Nullable IssuerRegistry issuers = loadIssuers(settings, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new Checked(cloud, Objects.requireNonNull(issuers, "issuers"));
    }

    private static void checkSettings(VendSettings settings, List<String> problems) {
        if (settings.issuerUrl() == null || settings.issuerUrl().isBlank()) {
            problems.add("vend.issuer-url (VEND_ISSUER_URL) is required");
        }
        if (settings.policiesFolder() == null && !usesPolicyTable(settings)) {
            problems.add("vend.policies-folder or vend.policy-table (VEND_POLICY_TABLE) is "
                    + "required");
        }
        if (settings.stateDir() == null && !usesKms(settings)) {
            problems.add("vend.state-dir is required: this build signs with a local key");
        }
        long lifetime = settings.maxLifetimeSeconds();
        if (lifetime < 60 || lifetime > 12 * 3600) {
            problems.add("vend.max-lifetime-seconds must be between 60 and 43200");
        }
        EndpointOverride.read(EndpointOverride.KMS, settings.kmsEndpoint(), problems);
        EndpointOverride.read(EndpointOverride.DYNAMODB, settings.dynamodbEndpoint(), problems);
    }

    /** The issuer registry; null, with its problems added, when it can not be built. */
    private static @Nullable IssuerRegistry loadIssuers(VendSettings settings,
            List<String> problems) {
        // Without an issuer URL (already a problem), entries are still checked.
        String issuerUrl = Objects.requireNonNullElse(settings.issuerUrl(), "");
        try {
            Map<String, Object> document;
            Path baseDir;
            if (settings.issuersFile() != null) {
                Path file = Path.of(settings.issuersFile()).toAbsolutePath();
                document = YamlDocuments.readMapping(file);
                baseDir = file.getParent();
            } else {
                document = YamlDocuments.parseMapping(defaultIssuers(), DEFAULT_ISSUERS);
                baseDir = Path.of("").toAbsolutePath();
            }
            return IssuerRegistry.fromDocument(document,
                    new IssuerRegistry.Settings(issuerUrl, baseDir));
        } catch (YamlDocuments.DocumentException e) {
            problems.add(e.getMessage());
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        return null;
    }

    private static String defaultIssuers() {
        try (InputStream in = VendAssembly.class.getClassLoader()
                .getResourceAsStream(DEFAULT_ISSUERS)) {
            return new String(Objects.requireNonNull(in, DEFAULT_ISSUERS).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The DynamoDB policy table when one is set (Lambda), else the policies folder (local). */
    private static PolicyStore policyStore(VendSettings settings, PolicyCompiler compiler,
            Environment env, Supplier<DynamoDbClient> dynamoDb) {
        if (usesPolicyTable(settings)) {
            return new DynamoDbPolicyStore(dynamoDb.get(),
                    Objects.requireNonNull(settings.policyTable()), compiler, env.clock(),
                    env.metrics());
        }
        return FolderPolicyStore.load(Path.of(Objects.requireNonNull(settings.policiesFolder())),
                compiler);
    }

    private static boolean usesPolicyTable(VendSettings settings) {
        return settings.policyTable() != null && !settings.policyTable().isBlank();
    }

    private static @Nullable URI dynamoDbEndpoint(VendSettings settings) {
        return EndpointOverride.parse(EndpointOverride.DYNAMODB, settings.dynamodbEndpoint());
    }

    private static boolean usesKms(VendSettings settings) {
        return settings.signingKeys() != null && !settings.signingKeys().isBlank();
    }

    private static @Nullable URI kmsEndpoint(VendSettings settings) {
        return EndpointOverride.parse(EndpointOverride.KMS, settings.kmsEndpoint());
    }

    private static KeyRing loadKeys(VendSettings settings, Supplier<KmsClient> kms,
            Metrics metrics) {
        var jwksMaxAge = Duration.ofSeconds(settings.jwksMaxAgeSeconds());
        if (usesKms(settings)) {
            // KMS keys when configured (Lambda); the local key otherwise.
            var configs = SigningKeyConfig.parseList(
                    Objects.requireNonNull(settings.signingKeys()));
            return new KeyRing(KmsSigningKeys.load(configs, kms.get(), metrics), jwksMaxAge);
        }
        try {
            SigningKey key = LocalSigningKeys.loadOrCreate(
                    Path.of(Objects.requireNonNull(settings.stateDir())),
                    JWSAlgorithm.parse(settings.localKeyAlgorithm()));
            return new KeyRing(List.of(key), jwksMaxAge);
        } catch (IOException e) {
            throw new InvalidConfigurationException(List.of("local signing key: " + e.getMessage()));
        }
    }
}
