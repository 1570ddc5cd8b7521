// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Vend's deployment settings, under the {@code vend} prefix. In Lambda they come from the
 * environment the CDK stack sets ({@code VEND_ISSUER_URL}, {@code VEND_SIGNING_KEYS}, …); the
 * local server sets them from its command line.
 *
 * @param issuerUrl Vend's issuer URL: {@code iss} of every token, and the default inbound audience
 * @param issuersFile the issuer registry file; the embedded default when absent
 * @param policiesFolder a folder of policy documents (local mode)
 * @param stateDir the local state folder holding the local signing key
 * @param localKeyAlgorithm RS256 or ES256, for a local key created on first run
 * @param signingKeys KMS signing keys as JSON ({@code [{"arn":…,"state":…}]}); Lambda only
 * @param singleUseTable the DynamoDB single-use table; in memory when absent (local server)
 * @param dynamodbEndpoint a DynamoDB endpoint override (emulators and tests): an {@code http} or
 *     {@code https} URL with a host and no user info, query or fragment
 * @param jwksMaxAgeSeconds how long relying parties may cache the JWKS
 * @param maxLifetimeSeconds the deployment's cap on issued token lifetime
 * @param kmsEndpoint a KMS endpoint override (emulators, tests, a VPC endpoint), under the same
 *     rules as {@code dynamodbEndpoint}; the region's own when absent
 * @param policyTable the DynamoDB policy table ({@code VEND_POLICY_TABLE}); when set, policies
 *     are read from it instead of {@code policiesFolder}
 * @param azureIntermediatesFile a PEM file of the intermediate certificates between Azure IMDS
 *     signing certificates and the trusted roots (bundled, or {@code vend.azure-roots-file});
 *     without it every Azure proof is refused
 * @param awsLegacyDocumentForms the older EC2 instance-document forms to accept besides
 *     RSA-2048, comma-separated: {@code pkcs7} (DSA, no region separation) and {@code signature}
 *     (RSA-1024); none when absent
 * @param awsStsEndpoint one more STS endpoint URL for AWS IAM proofs (a VPC endpoint's own name,
 *     a FIPS or other-partition endpoint, an emulator on the loopback interface): its host joins
 *     the allowlist and requests signed for it go to it; AWS's endpoints alone when absent
 * @param awsRegionCertificatesFile a YAML file mapping document form and region to a PEM
 *     certificate that verifies EC2 instance identity documents, added to the shipped ones or
 *     replacing one; the shipped ones alone when absent
 * @param azureRootsFile a PEM file of trust anchors for Azure IMDS signing certificates that
 *     replaces the bundled roots; the bundled roots when absent
 */
@ConfigurationProperties("vend")
public record VendSettings(
        String issuerUrl,
        @Nullable String issuersFile,
        @Nullable String policiesFolder,
        @Nullable String stateDir,
        @Bindable(defaultValue = "ES256") String localKeyAlgorithm,
        @Nullable String signingKeys,
        @Nullable String singleUseTable,
        @Nullable String dynamodbEndpoint,
        @Bindable(defaultValue = "300") long jwksMaxAgeSeconds,
        @Bindable(defaultValue = "3600") long maxLifetimeSeconds,
        @Nullable String kmsEndpoint,
        @Nullable String policyTable,
        @Nullable String azureIntermediatesFile,
        @Nullable String awsLegacyDocumentForms,
        @Nullable String awsStsEndpoint,
        @Nullable String awsRegionCertificatesFile,
        @Nullable String azureRootsFile) {

    /** The canonical constructor, the one Micronaut binds. */
    @Creator
    public VendSettings {
    }

    /** The settings without a policy table: policies come from {@code policiesFolder}. */
    public VendSettings(String issuerUrl, @Nullable String issuersFile,
            @Nullable String policiesFolder, @Nullable String stateDir, String localKeyAlgorithm,
            @Nullable String signingKeys, @Nullable String singleUseTable,
            @Nullable String dynamodbEndpoint, long jwksMaxAgeSeconds, long maxLifetimeSeconds,
            @Nullable String kmsEndpoint) {
        this(issuerUrl, issuersFile, policiesFolder, stateDir, localKeyAlgorithm, signingKeys,
                singleUseTable, dynamodbEndpoint, jwksMaxAgeSeconds, maxLifetimeSeconds,
                kmsEndpoint, null, null, null, null, null, null);
    }
}
