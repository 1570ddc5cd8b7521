// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.util.Set;

/**
 * Token type URNs Vend speaks (RFC 8693 §3). The IETF ones are registered; Vend's own name the
 * cloud documents that are not JWTs. See docs/api.md.
 */
public final class TokenTypes {

    /** RFC 8693 §3: a JWT, used for OIDC tokens and GCE identity tokens. */
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    /** RFC 8693 §3: an OpenID Connect ID token; treated as {@link #JWT}. */
    public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    /** RFC 8693 §3: an OAuth access token; what Vend issues by default. */
    public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    /** Vend: the EC2 bundle of an instance identity document and the instance's IAM proof. */
    public static final String AWS_EC2_BUNDLE = "urn:vend:params:oauth:token-type:aws-ec2-bundle";
    /** Vend: a SigV4-signed {@code sts:GetCallerIdentity} request. */
    public static final String AWS_IAM_PROOF = "urn:vend:params:oauth:token-type:aws-iam-proof";
    /** Vend: an Azure IMDS attested document. */
    public static final String AZURE_ATTESTED = "urn:vend:params:oauth:token-type:azure-attested";
    /** Vend: short-lived AWS credentials, as a requested token type. */
    public static final String AWS_CREDENTIALS = "urn:vend:params:oauth:token-type:aws-credentials";

    /** The subject token types that carry a JWT. */
    public static final Set<String> JWT_TYPES = Set.of(JWT, ID_TOKEN);

    private TokenTypes() {
    }
}
