// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.model.Attestation;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.IdentityVerifier;
import dev.vend.verify.IssuerConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * Verifies an AWS IAM proof (token type {@code urn:vend:params:oauth:token-type:aws-iam-proof}):
 * a SigV4-signed {@code sts:GetCallerIdentity} request, as Vault's iam method and Teleport's IAM
 * join use it, which Vend rebuilds (never forwards), sends to the allowlisted STS host the caller
 * signed for, and maps to account, ARN, role and session. It is fresh because its signed
 * {@code X-Vend-Challenge} is consumed once; it is bound to this Vend by the signed
 * {@code X-Vend-Server-Id}. Serves Lambda, ECS and EC2 roles.
 *
 * <p>Attributes: {@code account}, {@code arn}, {@code principal_type}, {@code principal_id} (the
 * role's or user's unique id), {@code role_name}, {@code session_name}. The immutable id is
 * account and unique id, so anything keyed on it includes the account. Immutable and thread-safe.
 */
public final class AwsIamVerifier implements IdentityVerifier {

    private final AwsVerifierConfig config;

    public AwsIamVerifier(AwsVerifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public IdentitySource source() {
        return IdentitySource.AWS_IAM;
    }

    @Override
    public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
        Instant now = config.clock().instant();
        JsonNode proof = AwsJson.object(attestation.value(), IamProof.MEMBERS);
        IamProofCheck.Result result = IamProofCheck.verify(proof, config, now);

        CallerIdentity caller = result.caller();
        var identity = new VerifiedIdentity(source(), issuer.id(), issuer.issuer(),
                caller.account() + ":" + caller.principalId(), caller.attributes(),
                now.plus(StsRequestRebuilder.MAX_SKEW), attestation.sha256());
        config.challenges().consume(result.challenge(), identity);
        return identity;
    }
}
