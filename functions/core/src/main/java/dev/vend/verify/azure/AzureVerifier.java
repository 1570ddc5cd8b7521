// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IdentityVerifier;
import dev.vend.verify.IssuerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies Azure IMDS attested documents
 * (<a href="https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service#attested-data">
 * Attested data</a>), sent as the IMDS response {@code {"encoding":"pkcs7","signature":…}} with
 * token type {@code urn:vend:params:oauth:token-type:azure-attested}.
 *
 * <p>Steps: the PKCS7 signature over its attached content (with Azure's digest-algorithm quirk,
 * see {@link AttestedSignature}); the signer certificate chained to the configured roots at the
 * current instant, with a subject alternative name under {@code metadata.azure.com},
 * {@code .us} or {@code .cn}; the document's {@code expiresOn}; then its {@code nonce}, which must
 * be a Vend challenge and is consumed once before policy. A document whose nonce is not a fresh
 * challenge is refused however genuine it is: IMDS documents are readable by every process on
 * the VM, and IMDS has answered with cached documents bearing old nonces.
 *
 * <p>Attributes: {@code vm_id}, {@code subscription_id}, {@code sku}, {@code license_type} and
 * the {@code plan_*} values; the immutable id is the subscription and VM id. Immutable and
 * thread-safe.
 */
public final class AzureVerifier implements IdentityVerifier {

    private final AzureVerifierConfig config;

    public AzureVerifier(AzureVerifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public IdentitySource source() {
        return IdentitySource.AZURE_IMDS;
    }

    @Override
    public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
        Instant now = config.clock().instant();
        byte[] pkcs7 = AttestedEnvelope.pkcs7(attestation.value());
        AttestedSignature.Verified verified = AttestedSignature.verify(pkcs7);
        SignerChain.check(verified.signer(), config, now);

        AttestedContent content = AttestedContent.parse(verified.content());
        content.checkNotExpired(now, issuer.leeway());
        if (!Challenges.hasShape(content.nonce())) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN,
                    "nonce is not a Vend challenge");
        }

        var identity = new VerifiedIdentity(source(), issuer.id(), issuer.issuer(),
                immutableId(content.attributes(), issuer), content.attributes(),
                content.expiresOn(), attestation.sha256());
        config.challenges().consume(content.nonce(), identity);
        return identity;
    }

    private static String immutableId(Map<String, AttributeValue> attributes,
            IssuerConfig issuer) {
        var parts = new ArrayList<String>();
        for (String name : issuer.preset().immutableIdClaims()) {
            AttributeValue value = attributes.get(name);
            if (value == null) {
                throw new DenialException(DenialReason.MISSING_CLAIM, "no immutable id " + name);
            }
            parts.add(String.valueOf(value.toJson()).replace("%", "%25").replace(":", "%3A"));
        }
        return String.join(":", parts);
    }
}
