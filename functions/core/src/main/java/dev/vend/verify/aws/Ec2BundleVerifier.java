// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IdentityVerifier;
import dev.vend.verify.IssuerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the EC2 bundle (token type {@code urn:vend:params:oauth:token-type:aws-ec2-bundle}):
 * an instance identity document, signed by AWS for the instance, plus an IAM proof made with the
 * instance's own identity, the EC2 instance identity role, whose ARN is
 * {@code arn:aws:sts::<account>:assumed-role/aws:ec2-instance/<instance id>}
 * (see "Instance identity roles" in the
 * <a href="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html">
 * EC2 user guide</a>); STS names its caller {@code <account>:aws:ec2-instance:<instance id>}.
 * The document proves what the instance is; the proof proves the caller is that instance now.
 * The account and instance id of both halves must be equal, and the IAM proof must come from the
 * instance identity role itself: a proof from any other principal of the same account (a role
 * whose session happens to be named after the instance, say) never lends its freshness to
 * someone else's document.
 *
 * <p>Attributes: those of the document ({@code account}, {@code region},
 * {@code availability_zone}, {@code instance_id}, {@code image_id}, {@code instance_type},
 * {@code pending_time}, {@code private_ip}, {@code architecture}) and {@code arn}. The immutable
 * id is account and instance id. Immutable and thread-safe.
 */
public final class Ec2BundleVerifier implements IdentityVerifier {

    static final Set<String> MEMBERS = Set.of("instance_document", "iam_proof");
    static final Set<String> DOCUMENT_MEMBERS = Set.of("form", "signature", "document");

    private final AwsVerifierConfig config;

    public Ec2BundleVerifier(AwsVerifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public IdentitySource source() {
        return IdentitySource.AWS_EC2;
    }

    @Override
    public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
        Instant now = config.clock().instant();
        JsonNode bundle = AwsJson.object(attestation.value(), MEMBERS);
        InstanceDocument document = verifyDocument(bundle.get("instance_document"));

        IamProofCheck.Result proof = IamProofCheck.verify(bundle.get("iam_proof"), config, now);
        requireSameInstance(document, proof.caller());

        var attributes = new LinkedHashMap<String, AttributeValue>(document.attributes());
        attributes.put("arn", new AttributeValue.Str(proof.caller().arn()));
        var identity = new VerifiedIdentity(source(), issuer.id(), issuer.issuer(),
                document.account() + ":" + document.instanceId(), attributes,
                now.plus(StsRequestRebuilder.MAX_SKEW), attestation.sha256());
        config.challenges().consume(proof.challenge(), identity);
        return identity;
    }

    private InstanceDocument verifyDocument(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw AwsJson.malformed("bundle has no instance_document object");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!DOCUMENT_MEMBERS.contains(name)) {
                throw AwsJson.malformed("unknown member in instance_document");
            }
        });
        JsonNode form = node.get("form");
        JsonNode signature = node.get("signature");
        JsonNode document = node.get("document");
        if (form == null || !form.isTextual() || signature == null || !signature.isTextual()
                || document != null && !document.isTextual()) {
            throw AwsJson.malformed("instance_document needs form and signature strings");
        }
        byte[] sent = document == null ? null : document.asText().getBytes(StandardCharsets.UTF_8);
        byte[] signed = DocumentSignature.verify(form.asText(), signature.asText(), sent,
                config.legacyForms(), config.regionCertificates());
        return InstanceDocument.fromSigned(signed);
    }

    private static void requireSameInstance(InstanceDocument document, CallerIdentity caller) {
        if (!"assumed-role".equals(caller.principalType())
                || !CallerIdentity.INSTANCE_ROLE.equals(caller.roleName())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "IAM proof is not from the EC2 instance identity role");
        }
        if (!document.account().equals(caller.account())
                || !document.instanceId().equals(caller.sessionName())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "IAM proof and instance document name different instances");
        }
    }
}
