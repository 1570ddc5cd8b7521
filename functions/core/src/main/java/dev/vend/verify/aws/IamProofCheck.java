// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.challenge.Challenges;
import dev.vend.metrics.Metric;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VendingFailure;
import java.time.Instant;

/**
 * The IAM half of both AWS proofs: parse, rebuild, send to STS, read the answer. STS verifies the
 * SigV4 signature; its 4xx answers are refusals (a bad or expired signature, an unknown key), its
 * throttling and 5xx answers outages. The challenge is returned for the caller to consume once
 * the whole proof verified. The call to STS is timed into the configuration's metrics
 * ({@link Metric#STS_PROOF_LATENCY}), whether it answers or fails.
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
        int status = reply.status();
        if (status == 429 || status >= 500) {
            throw VendingFailure.transientFailure("STS answered HTTP " + status, null);
        }
        if (status >= 400) {
            throw new DenialException(DenialReason.BAD_SIGNATURE,
                    "STS refused the signed request (HTTP " + status + ")");
        }
        if (status != 200) {
            throw VendingFailure.permanent("STS answered HTTP " + status, null);
        }
        return new Result(CallerIdentity.parse(reply.body()), proof.challenge());
    }
}
