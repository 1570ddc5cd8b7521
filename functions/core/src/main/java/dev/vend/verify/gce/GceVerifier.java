// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.ClaimAttributes;
import dev.vend.verify.IdentityVerifier;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.StrictJws;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies Compute Engine instance identity tokens requested with {@code format=full}
 * (<a href="https://cloud.google.com/compute/docs/instances/verifying-instance-identity">Verifying
 * the identity of instances</a>). It is the only verifier for {@code https://accounts.google.com}
 * (the issuer registry enforces that), so a Google-signed token for any other principal can not
 * pass as a VM: the {@code google.compute_engine} block is required. The token is fresh because
 * its audience carries a Vend challenge, consumed once after the signature verified and before
 * policy.
 *
 * <p>Attributes: {@code sub} (the service account's unique id), {@code email},
 * {@code project_id}, {@code project_number} (a number), {@code zone}, {@code instance_id},
 * {@code instance_name} and the rest of the gce preset's catalog. Immutable and thread-safe.
 */
public final class GceVerifier implements IdentityVerifier {

    private final GceVerifierConfig config;

    public GceVerifier(GceVerifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public IdentitySource source() {
        return IdentitySource.GCE;
    }

    @Override
    public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
        Instant now = config.clock().instant();
        StrictJws jws = StrictJws.parse(attestation.value());
        GceSignature.verify(jws, issuer, config.keys().forIssuer(issuer));

        Instant expiresAt = GceClaims.checkIssuerAndTime(jws.claims(), issuer, now);
        String challenge = GceClaims.challengeFromAudience(jws.claims(), issuer);
        GceMapping.requireComputeEngine(jws.claims());

        Map<String, AttributeValue> attributes = ClaimAttributes.attributes(jws.claims(), issuer);
        var identity = new VerifiedIdentity(source(), issuer.id(), issuer.issuer(),
                ClaimAttributes.immutableId(attributes, issuer), attributes, expiresAt,
                attestation.sha256());
        config.challenges().consume(challenge, identity);
        return identity;
    }
}
