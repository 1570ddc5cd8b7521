// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.SigningKey;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.Attestation;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyEngine;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.oidc.OidcVerifier;
import dev.vend.verify.oidc.OidcVerifierConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Vend's pipeline as the local server assembles it, for benchmarks: an OIDC issuer with a static
 * JWKS file, a folder policy store, a local signing key, single use off (so one token can be
 * presented again and again) and an audit log that serialises each event as
 * {@link JsonAuditLog} does and discards the line. Files live in a temporary folder removed by
 * {@link #close()}.
 */
public final class VendPipeline implements AutoCloseable {

    /** The inbound issuer. */
    public static final String ISSUER = "https://ci.example.test";
    /** Vend's own issuer URL, also the inbound audience. */
    public static final String VEND_URL = "https://vend.example.test";
    /** The audience every policy issues for. */
    public static final String AUDIENCE = "https://api.example.com";

    private static final String ISSUERS = """
            issuers:
              - id: ci
                issuer: %s
                preset: oidc
                jwksFile: jwks.json
                algorithms: [RS256, ES256]
                singleUseJti: false
                claims: {repository: string}
            """;
    private static final String POLICY = """
            apiVersion: vend.dev/v1
            id: %s
            issuer: ci
            conditions:
              sub: %s
              repository: acme/app
            issue:
              audiences: [%s]
              scopes: [read, write]
              carry: [repository]
            """;
    /** Index of the cached test keys used here, apart from those other tests use. */
    private static final int INBOUND_KEY = 20;
    private static final int OUTBOUND_KEY = 21;

    private final Path dir;
    private final JWK inboundKey;
    private final SigningKey signingKey;
    private final VerifierRegistry verifiers;
    private final PolicyEngine policies;
    private final TokenIssuer issuer;
    private final TokenVendingService service;
    private final DiscardingAuditLog auditLog;
    private final String matchingSubject;

    private VendPipeline(Path dir, JWK inboundKey, SigningKey signingKey, int policyCount) {
        this.dir = dir;
        this.inboundKey = inboundKey;
        this.signingKey = signingKey;
        this.matchingSubject = subject(policyCount / 2);
        Clock clock = Clock.systemUTC();
        IssuerRegistry issuers = issuers(dir);
        var compiler = new PolicyCompiler(issuers,
                new PolicyCompiler.Limits(VEND_URL, Duration.ofHours(1)));
        this.policies = new PolicyEngine(FolderPolicyStore.load(dir.resolve("policies"), compiler));
        var keys = IssuerKeys.forRegistry(issuers, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(
                new OidcVerifierConfig(keys, new InMemorySingleUseStore(), clock));
        this.verifiers = new VerifierRegistry(issuers, List.of(oidc));
        this.auditLog = new DiscardingAuditLog();
        this.issuer = new TokenIssuer(VEND_URL,
                new KeyRing(List.of(signingKey), Duration.ofMinutes(5)), clock);
        this.service = new TokenVendingService(
                new TokenVendingService.Parts(verifiers, policies, issuer, auditLog, clock));
    }

    /**
     * Writes the issuer registry and {@code policyCount} policies for one issuer, of which exactly
     * one matches the subject of {@link #token()}; the others differ in their {@code sub} only.
     *
     * @param inbound RS256 or ES256: the algorithm of the incoming OIDC token
     * @param outbound RS256 or ES256: the algorithm Vend signs with
     * @param policyCount how many policies the issuer has, one or more
     */
    public static VendPipeline start(JWSAlgorithm inbound, JWSAlgorithm outbound, int policyCount) {
        if (policyCount < 1) {
            throw new IllegalArgumentException("at least one policy");
        }
        try {
            Path dir = Files.createTempDirectory("vend-bench-");
            JWK inboundKey = testKey(inbound, INBOUND_KEY);
            Files.writeString(dir.resolve("jwks.json"),
                    new JWKSet(inboundKey.toPublicJWK()).toString());
            Path policyDir = Files.createDirectories(dir.resolve("policies"));
            for (int i = 0; i < policyCount; i++) {
                String id = "ci-workload-%05d".formatted(i);
                Files.writeString(policyDir.resolve(id + ".yaml"),
                        POLICY.formatted(id, subject(i), AUDIENCE));
            }
            Files.writeString(dir.resolve("issuers.yaml"), ISSUERS.formatted(ISSUER));
            SigningKey signingKey = LocalSigningKeys.fromJwk(testKey(outbound, OUTBOUND_KEY),
                    "bench:" + outbound);
            return new VendPipeline(dir, inboundKey, signingKey, policyCount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh OIDC token for the matching subject, valid for 55 minutes (the issuer's maximum
     * token age is an hour), so one token serves a whole benchmark trial.
     */
    public String token() {
        return TestTokens.signedWith(inboundKey).issuer(ISSUER).subject(matchingSubject)
                .audience(VEND_URL).claim("repository", "acme/app")
                .lifetime(Duration.ofMinutes(55)).sign();
    }

    /** A token exchange request for the token, asking for the default audience and scopes. */
    public static TokenRequest request(String token) {
        return new TokenRequest("0123456789abcdef0123456789abcdef",
                new Attestation(TokenTypes.JWT, token), List.of(), Set.of(), null);
    }

    /** The identity the token verifies to. */
    public VerifiedIdentity identity(String token) {
        return verifiers.verify(new Attestation(TokenTypes.JWT, token));
    }

    public TokenVendingService service() {
        return service;
    }

    public VerifierRegistry verifiers() {
        return verifiers;
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    public PolicyEngine policies() {
        return policies;
    }

    /** The inbound issuer's key, private part included. */
    public JWK inboundKey() {
        return inboundKey;
    }

    /** Vend's signing key. */
    public SigningKey signingKey() {
        return signingKey;
    }

    /** How many audit events were recorded. */
    public long auditEvents() {
        return auditLog.events;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IssuerRegistry issuers(Path dir) {
        try {
            return IssuerRegistry.fromDocument(
                    YamlDocuments.readMapping(dir.resolve("issuers.yaml")),
                    new IssuerRegistry.Settings(VEND_URL, dir));
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String subject(int index) {
        return "workload-" + index;
    }

    private static JWK testKey(JWSAlgorithm algorithm, int index) {
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return TestKeys.rsa2048(index);
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return TestKeys.ecP256(index);
        }
        throw new IllegalArgumentException("RS256 or ES256, not " + algorithm);
    }

    /**
     * Serialises each event exactly as {@link JsonAuditLog} does and keeps only the line's length,
     * in a volatile field, so the JIT can not drop the serialisation.
     */
    private static final class DiscardingAuditLog implements AuditLog {

        private volatile long events;
        private volatile int lastLength;

        @Override
        @SuppressWarnings("NonAtomicVolatileUpdate")
        public void record(AuditEvent event) {
            lastLength = JsonAuditLog.toJson(event).length();
            events++;
        }
    }
}
