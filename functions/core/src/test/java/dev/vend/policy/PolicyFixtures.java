// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenRequest;
import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.YamlDocuments;
import dev.vend.verify.ClaimSpec;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Shared fixtures for policy and vend tests: an issuer registry built from a real configuration
 * document, a compiler with deployment limits, identities typed exactly as the presets type
 * verified claims, and requests.
 */
public final class PolicyFixtures {

    /** Vend's own issuer URL in tests; also every test issuer's inbound audience by default. */
    public static final String VEND_URL = "https://vend.example.test";
    /** GitHub Actions' issuer (field cases: ISS_GH). */
    public static final String ISS_GH = "https://token.actions.githubusercontent.com";
    /** GitLab.com's issuer. */
    public static final String ISS_GITLAB = "https://gitlab.com";
    /** A single-tenant Kubernetes cluster with a second inbound audience. */
    public static final String ISS_CLUSTER = "https://k8s.example.test";
    /** The extra inbound audience the cluster accepts. */
    public static final String CLUSTER_INBOUND = "https://inbound.example.test";
    /** A generic issuer declaring extra claims of every type. */
    public static final String ISS_IDP = "https://idp.example.test";
    /** An audience policies may issue for (field cases: AUD, as an outbound audience). */
    public static final String AUD = "https://api.example.test";
    /** The deployment's lifetime cap. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(1);
    /** When test evidence expires. */
    public static final Instant EVIDENCE_EXPIRY = Instant.parse("2030-01-01T00:05:00Z");

    private PolicyFixtures() {
    }

    /** The registry document, every issuer reading its keys from the given JWKS file. */
    public static String registryYaml(Path jwksFile) {
        return """
                issuers:
                  - id: github-actions
                    issuer: %1$s
                    preset: github-actions
                    jwksFile: %5$s
                  - id: gitlab-com
                    issuer: %2$s
                    preset: gitlab-ci
                    jwksFile: %5$s
                  - id: cluster-a
                    issuer: %3$s
                    preset: kubernetes
                    audiences: [%6$s, %7$s]
                    jwksFile: %5$s
                  - id: test-idp
                    issuer: %4$s
                    jwksFile: %5$s
                    claims:
                      build_number: number
                      trusted: boolean
                      teams: string_list
                      env: string
                """.formatted(ISS_GH, ISS_GITLAB, ISS_CLUSTER, ISS_IDP, jwksFile, VEND_URL,
                CLUSTER_INBOUND);
    }

    /** The registry, with a JWKS path that is never read (compile and evaluate only). */
    public static IssuerRegistry registry() {
        return registry(Path.of("/nonexistent/jwks.json"));
    }

    /** The registry with every issuer's keys in the given JWKS file. */
    public static IssuerRegistry registry(Path jwksFile) {
        try {
            var document = YamlDocuments.parseMapping(registryYaml(jwksFile), "issuers.yaml");
            return IssuerRegistry.fromDocument(document,
                    new IssuerRegistry.Settings(VEND_URL, Path.of("/")));
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compiler over {@link #registry()} with the test limits. */
    public static PolicyCompiler compiler() {
        return compiler(registry());
    }

    /** A compiler over the registry with the test limits. */
    public static PolicyCompiler compiler(IssuerRegistry registry) {
        return new PolicyCompiler(registry, new PolicyCompiler.Limits(VEND_URL, MAX_LIFETIME));
    }

    /** Parses YAML (or JSON) text as a policy document. */
    public static Map<String, Object> document(String text) {
        try {
            return YamlDocuments.parseMapping(text, "test.yaml");
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles YAML text with {@link #compiler()}. */
    public static Policy compile(String yaml) {
        return compiler().compile(document(yaml), "test.yaml");
    }

    /** A registry entry by id. */
    public static IssuerConfig issuer(String id) {
        return registry().byId(id).orElseThrow();
    }

    /**
     * An identity from a claim set, typed as the issuer's preset types verified claims: a claim
     * of another JSON type than declared is left out, as if absent.
     */
    public static VerifiedIdentity identity(String issuerId, Map<String, ?> claims) {
        IssuerConfig issuer = issuer(issuerId);
        var attributes = new LinkedHashMap<String, AttributeValue>();
        for (ClaimSpec spec : issuer.claimCatalog()) {
            AttributeValue value = typed(find(claims, spec.path()), spec);
            if (value != null) {
                attributes.put(spec.attribute(), value);
            }
        }
        var ids = new ArrayList<String>();
        for (String name : issuer.preset().immutableIdClaims()) {
            AttributeValue value = attributes.get(name);
            ids.add(value == null ? "-" : String.valueOf(value.toJson()));
        }
        return new VerifiedIdentity(issuer.preset().source(), issuer.id(), issuer.issuer(),
                String.join(":", ids), attributes, EVIDENCE_EXPIRY,
                Attestation.sha256Hex(claims.toString()));
    }

    /** An identity built from already-typed attributes, bypassing the preset's typing. */
    public static VerifiedIdentity rawIdentity(String issuerId,
            Map<String, AttributeValue> attributes) {
        IssuerConfig issuer = issuer(issuerId);
        return new VerifiedIdentity(issuer.preset().source(), issuer.id(), issuer.issuer(),
                "raw", attributes, EVIDENCE_EXPIRY, Attestation.sha256Hex("raw"));
    }

    /** A request for an access token. */
    public static TokenRequest request(List<String> audiences, Set<String> scopes) {
        return request(audiences, scopes, null);
    }

    /** A request with a requested token type. */
    public static TokenRequest request(List<String> audiences, Set<String> scopes,
            @Nullable String requestedTokenType) {
        return new TokenRequest("0".repeat(32),
                new Attestation("urn:ietf:params:oauth:token-type:jwt", "unused"),
                audiences, scopes, requestedTokenType);
    }

    /** A request for the single entitled audience, no scope. */
    public static TokenRequest request() {
        return request(List.of(), Set.of());
    }

    private static @Nullable Object find(Map<String, ?> claims, List<String> path) {
        Object node = claims;
        for (String member : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(member);
        }
        return node;
    }

    private static @Nullable AttributeValue typed(@Nullable Object value, ClaimSpec spec) {
        if (value == null) {
            return null;
        }
        return switch (spec.type()) {
            case STRING -> value instanceof String s ? new AttributeValue.Str(s) : null;
            case NUMBER -> value instanceof Number n
                    ? new AttributeValue.Num(new BigDecimal(n.toString())) : null;
            case BOOLEAN -> value instanceof Boolean b ? new AttributeValue.Bool(b) : null;
            case STRING_LIST -> value instanceof List<?> list
                    && list.stream().allMatch(String.class::isInstance)
                    ? new AttributeValue.StrList(list.stream().map(String.class::cast).toList())
                    : null;
        };
    }
}
