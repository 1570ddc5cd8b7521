// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

/**
 * The kinds of proof Vend verifies. The wire and log name of each is its {@link #id()}.
 */
public enum IdentitySource {
    /** A JWT from an OIDC issuer: GitHub Actions, GitLab CI, Kubernetes or any registered one. */
    OIDC("oidc"),
    /** A Compute Engine identity token ({@code format=full}). */
    GCE("gce"),
    /** An Azure IMDS attested document. */
    AZURE_IMDS("azure_imds"),
    /** A SigV4-signed {@code sts:GetCallerIdentity} request (Lambda, ECS, EC2 roles). */
    AWS_IAM("aws_iam"),
    /** An EC2 instance identity document bound to the instance's own IAM proof. */
    AWS_EC2("aws_ec2_bundle");

    private final String id;

    IdentitySource(String id) {
        this.id = id;
    }

    /** The snake_case name used on the wire, in policies and in audit records. */
    public String id() {
        return id;
    }
}
