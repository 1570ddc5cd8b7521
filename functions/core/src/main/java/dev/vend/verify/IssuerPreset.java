// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.AttributeType;
import dev.vend.model.IdentitySource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What Vend knows about a kind of issuer, as data: which verifier handles it, the claims it
 * exposes and their types, the immutable ids Vend builds subjects from, whether one issuer URL
 * serves many tenants, and whether its tokens are single use.
 */
public enum IssuerPreset {
    /** GitHub Actions OIDC tokens. Every GitHub customer shares the one issuer. */
    GITHUB_ACTIONS("github-actions", IdentitySource.OIDC, true, true,
            List.of("repository_owner_id", "repository_id"),
            Map.of("repository", 0, "job_workflow_ref", 0, "workflow_ref", 0, "sub", 0,
                    "repository_owner", 0, "enterprise", 0),
            strings("sub", "repository", "repository_id", "repository_owner",
                    "repository_owner_id", "repository_visibility", "ref", "ref_type",
                    "ref_protected", "environment", "event_name", "job_workflow_ref",
                    "job_workflow_sha", "workflow", "workflow_ref", "workflow_sha", "sha",
                    "actor", "actor_id", "run_id", "run_number", "run_attempt", "head_ref",
                    "base_ref", "runner_environment", "enterprise", "enterprise_id")),
    /** GitLab CI {@code id_tokens}. GitLab.com is multi-tenant; a self-hosted one may not be. */
    GITLAB_CI("gitlab-ci", IdentitySource.OIDC, true, true,
            List.of("namespace_id", "project_id"),
            // ci_config_ref_uri starts with the host: gitlab.com/<group>/<project>//<file>@<ref>
            Map.of("project_path", 0, "namespace_path", 0, "ci_config_ref_uri", 1, "sub", 0),
            concat(strings("sub", "namespace_id", "namespace_path", "project_id",
                    "project_path", "project_visibility", "user_id", "user_login",
                    "pipeline_id", "pipeline_source", "job_id", "ref", "ref_type", "ref_path",
                    "ref_protected", "environment", "environment_protected", "deployment_tier",
                    "runner_id", "runner_environment", "sha", "ci_config_ref_uri",
                    "ci_config_sha"),
                    List.of(ClaimSpec.of("groups", AttributeType.STRING_LIST)))),
    /** Kubernetes projected service-account tokens; one issuer entry per cluster. */
    KUBERNETES("kubernetes", IdentitySource.OIDC, false, false,
            List.of("service_account_uid"),
            Map.of(),
            List.of(ClaimSpec.string("sub"),
                    ClaimSpec.nested("namespace", AttributeType.STRING,
                            "kubernetes.io", "namespace"),
                    ClaimSpec.nested("service_account", AttributeType.STRING,
                            "kubernetes.io", "serviceaccount", "name"),
                    ClaimSpec.nested("service_account_uid", AttributeType.STRING,
                            "kubernetes.io", "serviceaccount", "uid"),
                    ClaimSpec.nested("pod", AttributeType.STRING, "kubernetes.io", "pod", "name"),
                    ClaimSpec.nested("pod_uid", AttributeType.STRING,
                            "kubernetes.io", "pod", "uid"))),
    /** Any other OIDC issuer: its immutable id is {@code sub}, more claims come from its entry. */
    GENERIC_OIDC("oidc", IdentitySource.OIDC, false, false,
            List.of("sub"), Map.of(), strings("sub")),
    /**
     * Compute Engine identity tokens ({@code format=full}), the only verifier for
     * {@code https://accounts.google.com}; the instance claims sit under
     * {@code google.compute_engine}, and {@code project_number} is a number.
     */
    GCE("gce", IdentitySource.GCE, true, false, List.of("instance_id"), Map.of(),
            List.of(ClaimSpec.string("sub"),
                    ClaimSpec.string("email"),
                    ClaimSpec.of("email_verified", AttributeType.BOOLEAN),
                    gce("instance_id", AttributeType.STRING),
                    gce("instance_name", AttributeType.STRING),
                    gce("project_id", AttributeType.STRING),
                    gce("project_number", AttributeType.NUMBER),
                    gce("zone", AttributeType.STRING),
                    gce("instance_creation_timestamp", AttributeType.NUMBER),
                    gce("license_id", AttributeType.STRING_LIST))),
    /**
     * Azure IMDS attested documents: every Azure subscription shares the signer, so the
     * subscription id is pinned; the document carries no issuer, so the token type routes to it.
     */
    AZURE("azure", IdentitySource.AZURE_IMDS, true, false,
            List.of("subscription_id", "vm_id"), Map.of(),
            strings("vm_id", "subscription_id", "sku", "license_type", "plan_name",
                    "plan_product", "plan_publisher")),
    /** AWS IAM proofs (signed GetCallerIdentity); every AWS account shares STS. */
    AWS_IAM("aws-iam", IdentitySource.AWS_IAM, true, false,
            List.of("account", "principal_id"), Map.of(),
            strings("account", "arn", "principal_type", "principal_id", "role_name",
                    "session_name")),
    /** EC2 bundles: an instance identity document with the instance's own IAM proof. */
    AWS_EC2("aws-ec2", IdentitySource.AWS_EC2, true, false,
            List.of("account", "instance_id"), Map.of(),
            strings("account", "region", "availability_zone", "instance_id", "image_id",
                    "instance_type", "pending_time", "private_ip", "architecture", "arn"));

    private static final Map<String, IssuerPreset> BY_ID = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(IssuerPreset::id, Function.identity()));

    private final String id;
    private final IdentitySource source;
    private final boolean multiTenant;
    private final boolean singleUseJti;
    private final List<String> immutableIdClaims;
    private final Map<String, Integer> ownerSegments;
    private final List<ClaimSpec> claims;

    IssuerPreset(String id, IdentitySource source, boolean multiTenant, boolean singleUseJti,
            List<String> immutableIdClaims, Map<String, Integer> ownerSegments,
            List<ClaimSpec> claims) {
        this.id = id;
        this.source = source;
        this.multiTenant = multiTenant;
        this.singleUseJti = singleUseJti;
        this.immutableIdClaims = immutableIdClaims;
        this.ownerSegments = ownerSegments;
        this.claims = claims;
    }

    /** The name used in issuer configuration. */
    public String id() {
        return id;
    }

    /** The identity source whose verifier handles this preset. */
    public IdentitySource source() {
        return source;
    }

    /** Whether one issuer URL of this kind serves unrelated tenants by default. */
    public boolean multiTenant() {
        return multiTenant;
    }

    /** Whether inbound {@code jti} values are single use by default. */
    public boolean singleUseJti() {
        return singleUseJti;
    }

    /** Attributes that never change for a workload; {@code sub} is built from them, in order. */
    public List<String> immutableIdClaims() {
        return immutableIdClaims;
    }

    /**
     * Attributes whose value names an owner (an organisation, group or namespace) in one of its
     * {@code /}-separated segments; a pattern may not put a wildcard in that segment or before it.
     */
    public Set<String> ownerScopedAttributes() {
        return ownerSegments.keySet();
    }

    /**
     * The index of the {@code /}-separated segment that holds the owner in this attribute's
     * values ({@code acme} is segment 0 of {@code acme/app}), or -1 when it names no owner.
     */
    public int ownerSegment(String attribute) {
        return ownerSegments.getOrDefault(attribute, -1);
    }

    /** The claim catalog. */
    public List<ClaimSpec> claims() {
        return claims;
    }

    /** Looks a preset up by its configuration name. */
    public static Optional<IssuerPreset> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    private static List<ClaimSpec> strings(String... names) {
        return Arrays.stream(names).map(ClaimSpec::string).toList();
    }

    /** A claim of a {@code format=full} Compute Engine token, under google.compute_engine. */
    private static ClaimSpec gce(String name, AttributeType type) {
        return ClaimSpec.nested(name, type, "google", "compute_engine", name);
    }

    private static List<ClaimSpec> concat(List<ClaimSpec> a, List<ClaimSpec> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
