// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.challenge.Challenges;
import dev.vend.metrics.Metric;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.time.Instant;

/**
 * The IAM half of both AWS proofs: parse, rebuild, send to STS, read the answer. STS verifies the
 * SigV4 signature; {@link StsReplies} reads its answer by status and error code, so a refused
 * signature or credential is a refusal of the proof, and throttling or a service fault an outage
 * (STS answers throttling with HTTP 400, like a bad signature). The challenge is returned for the
 * caller to consume once the whole proof verified, so an outage leaves it unconsumed. The call
 * to STS is timed into the configuration's metrics ({@link Metric#STS_PROOF_LATENCY}), whether
 * it answers or fails.
 */
final class IamProofCheck {

    private IamProofCheck() {
    }

    /**
     * The verified caller and the challenge its signed headers carried.
     *
     * @param caller who STS says signed the request
     * @param challenge the challenge, still to be consumed
     */
    record Result(CallerIdentity caller, String challenge) {
    }

    static Result verify(JsonNode proofJson, AwsVerifierConfig config, Instant now) {
        IamProof proof = IamProof.parse(proofJson);
        if (!Challenges.hasShape(proof.challenge())) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "no Vend challenge signed");
        }
        AwsVerifierConfig.StsRequest request = StsRequestRebuilder.rebuild(proof, config, now);
        AwsVerifierConfig.StsReply reply = config.metrics().time(Metric.STS_PROOF_LATENCY,
                () -> config.sts().send(request));
        return new Result(CallerIdentity.parse(StsReplies.answerOf(reply)), proof.challenge());
    }
}
