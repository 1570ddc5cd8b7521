// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import com.nimbusds.jose.JWSAlgorithm;
import dev.vend.audit.AuditLog;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.SigningKey;
import dev.vend.issue.TokenIssuer;
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
import dev.vend.verify.oidc.OidcVerifier;
import dev.vend.verify.oidc.OidcVerifierConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 */
public record VendAssembly(VendSettings settings, IssuerRegistry issuers, PolicyStore policies,
        KeyRing keys, TokenVendingService service) {

    /** The classpath resource holding the embedded default issuer registry. */
    public static final String DEFAULT_ISSUERS = "dev/vend/api/default-issuers.yaml";

    /**
     * The environment a graph is built in.
     *
     * @param clock the clock every stage uses
     * @param singleUse where challenges and single-use jti values are consumed
     * @param auditLog where audit events go
     * @param fetcher how issuer keys are fetched
     */
    public record Environment(Clock clock, SingleUseStore singleUse, AuditLog auditLog,
            HttpsFetcher fetcher) {
    }

    /**
     * Builds and checks the graph.
     *
     * @throws InvalidConfigurationException listing every configuration problem
     * @throws dev.vend.policy.PolicyException listing every policy problem
     */
    public static VendAssembly build(VendSettings settings, Environment env) {
        checkSettings(settings);
        IssuerRegistry issuers = loadIssuers(settings);
        var limits = new PolicyCompiler.Limits(settings.issuerUrl(),
                Duration.ofSeconds(settings.maxLifetimeSeconds()));
        PolicyStore policies = FolderPolicyStore.load(
                Path.of(Objects.requireNonNull(settings.policiesFolder())),
                new PolicyCompiler(issuers, limits));
        KeyRing keys = loadKeys(settings);
        keys.checkPublication(env.clock().instant(), limits.maxLifetime());

        var issuerKeys = IssuerKeys.forRegistry(issuers, env.fetcher(), env.clock(),
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(new OidcVerifierConfig(issuerKeys, env.singleUse(), env.clock()));
        var service = new TokenVendingService(new TokenVendingService.Parts(
                new VerifierRegistry(issuers, List.of(oidc)),
                new PolicyEngine(policies),
                new TokenIssuer(settings.issuerUrl(), keys, env.clock()),
                env.auditLog(), env.clock()));
        return new VendAssembly(settings, issuers, policies, keys, service);
    }

    private static void checkSettings(VendSettings settings) {
        var problems = new ArrayList<String>();
        if (settings.issuerUrl() == null || settings.issuerUrl().isBlank()) {
            problems.add("vend.issuer-url (VEND_ISSUER_URL) is required");
        }
        if (settings.policiesFolder() == null) {
            problems.add("vend.policies-folder is required: this build reads policies from a "
                    + "folder");
        }
        if (settings.stateDir() == null) {
            problems.add("vend.state-dir is required: this build signs with a local key");
        }
        long lifetime = settings.maxLifetimeSeconds();
        if (lifetime < 60 || lifetime > 12 * 3600) {
            problems.add("vend.max-lifetime-seconds must be between 60 and 43200");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    private static IssuerRegistry loadIssuers(VendSettings settings) {
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
                    new IssuerRegistry.Settings(settings.issuerUrl(), baseDir));
        } catch (YamlDocuments.DocumentException e) {
            throw new InvalidConfigurationException(List.of(e.getMessage()));
        }
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

    private static KeyRing loadKeys(VendSettings settings) {
        if (settings.signingKeys() != null && !settings.signingKeys().isBlank()) {
            throw new InvalidConfigurationException(List.of("vend.signing-keys names KMS keys, "
                    + "which this build can not use yet; set vend.state-dir for a local key"));
        }
        try {
            SigningKey key = LocalSigningKeys.loadOrCreate(
                    Path.of(Objects.requireNonNull(settings.stateDir())),
                    JWSAlgorithm.parse(settings.localKeyAlgorithm()));
            return new KeyRing(List.of(key), Duration.ofSeconds(settings.jwksMaxAgeSeconds()));
        } catch (IOException e) {
            throw new InvalidConfigurationException(List.of("local signing key: " + e.getMessage()));
        }
    }
}
