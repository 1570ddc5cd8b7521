// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.PolicyCompiler;
import dev.vend.verify.IssuerRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the policy table tests share: a registry with one multi-tenant issuer (GitHub Actions)
 * and one single-tenant one (a Kubernetes cluster), a compiler with deployment limits, policy
 * documents, identities typed as the presets type them, and requests. Stateless.
 */
final class PolicyStoreFixtures {

    static final String VEND_URL = "https://vend.example.test";
    static final String AUD = "https://api.example.test";
    static final String OTHER_AUD = "https://other.example.test";
    static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    private static final String REGISTRY = """
            issuers:
              - id: github-actions
                issuer: https://token.actions.githubusercontent.com
                preset: github-actions
                discovery: true
              - id: cluster-a
                issuer: https://k8s.example.test
                preset: kubernetes
                discovery: true
            """;

    private PolicyStoreFixtures() {
    }

    static IssuerRegistry registry() {
        return IssuerRegistry.fromDocument(parse(REGISTRY),
                new IssuerRegistry.Settings(VEND_URL, Path.of("/")));
    }

    static PolicyCompiler compiler() {
        return new PolicyCompiler(registry(),
                new PolicyCompiler.Limits(VEND_URL, Duration.ofHours(1)));
    }

    static Map<String, Object> parse(String text) {
        try {
            return YamlDocuments.parseMapping(text, "test");
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A GitHub policy for the owner and repository, main branch, audience {@link #AUD}. */
    static String github(String id, String ownerId, String repositoryId, String extra) {
        return """
                apiVersion: vend.dev/v1
                id: %s
                issuer: github-actions
                %sconditions:
                  repository_owner_id: "%s"
                  repository_id: "%s"
                  ref: refs/heads/main
                issue:
                  audiences: [%s]
                  scopes: [deploy]
                """.formatted(id, extra, ownerId, repositoryId, AUD);
    }

    /** A policy for the cluster's deployer service account in namespace prod. */
    static String cluster(String id) {
        return """
                apiVersion: vend.dev/v1
                id: %s
                issuer: cluster-a
                conditions:
                  namespace: prod
                  service_account: deployer
                issue:
                  audiences: [%s]
                """.formatted(id, AUD);
    }

    /** A GitHub identity: owner, repository, main branch. */
    static VerifiedIdentity githubIdentity(String ownerId, String repositoryId) {
        var attributes = new LinkedHashMap<String, AttributeValue>();
        attributes.put("repository_owner_id", new AttributeValue.Str(ownerId));
        attributes.put("repository_id", new AttributeValue.Str(repositoryId));
        attributes.put("repository", new AttributeValue.Str("acme/app"));
        attributes.put("ref", new AttributeValue.Str("refs/heads/main"));
        return identity("github-actions", "https://token.actions.githubusercontent.com",
                ownerId + ":" + repositoryId, attributes);
    }

    /** The cluster's deployer service account in namespace prod. */
    static VerifiedIdentity clusterIdentity() {
        var attributes = new LinkedHashMap<String, AttributeValue>();
        attributes.put("namespace", new AttributeValue.Str("prod"));
        attributes.put("service_account", new AttributeValue.Str("deployer"));
        attributes.put("service_account_uid",
                new AttributeValue.Str("0b3c1d2e-0000-4000-8000-000000000001"));
        return identity("cluster-a", "https://k8s.example.test",
                "0b3c1d2e-0000-4000-8000-000000000001", attributes);
    }

    static VerifiedIdentity identity(String issuerId, String issuer, String immutableId,
            Map<String, AttributeValue> attributes) {
        return new VerifiedIdentity(IdentitySource.OIDC, issuerId, issuer, immutableId,
                attributes, T0.plusSeconds(600), Attestation.sha256Hex(immutableId));
    }

    /** A request for these audiences and scopes. */
    static TokenRequest request(List<String> audiences, Set<String> scopes) {
        return new TokenRequest("0".repeat(32), new Attestation(TokenTypes.JWT, "unused"),
                audiences, scopes, null);
    }

    /** A request for the one entitled audience. */
    static TokenRequest request() {
        return request(List.of(AUD), Set.of());
    }
}
