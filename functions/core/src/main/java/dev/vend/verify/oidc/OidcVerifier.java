// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.ClaimAttributes;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.IdentityVerifier;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.StrictJws;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies OIDC tokens (RFC 7519, OpenID Connect Core §2) from GitHub Actions, GitLab CI,
 * Kubernetes and any registered issuer. Keys come only from the issuer entry's key source, never
 * from the token; {@code kid} is only a lookup key. Immutable and thread-safe.
 */
public final class OidcVerifier implements IdentityVerifier {

    /** The longest {@code jti} recorded; issuers use UUIDs and short ids. */
    static final int MAX_JTI_LENGTH = 256;

    private final OidcVerifierConfig config;

    public OidcVerifier(OidcVerifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public IdentitySource source() {
        return IdentitySource.OIDC;
    }

    @Override
    public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
        Instant now = config.clock().instant();
        StrictJws jws = StrictJws.parse(attestation.value());

        var header = HeaderChecks.check(jws, issuer);
        SignatureCheck.verify(jws, header, config.keys().forIssuer(issuer));

        Instant expiresAt = ClaimChecks.check(jws.claims(), issuer, now);
        Map<String, AttributeValue> attributes = ClaimAttributes.attributes(jws.claims(), issuer);
        String immutableId = ClaimAttributes.immutableId(attributes, issuer);

        var identity = new VerifiedIdentity(source(), issuer.id(), issuer.issuer(), immutableId,
                attributes, expiresAt, attestation.sha256());
        consumeJtiIfSingleUse(jws, issuer, identity, now);
        return identity;
    }

    /** Consumed after the signature verified and before policy; stays consumed on any failure. */
    private void consumeJtiIfSingleUse(StrictJws jws, IssuerConfig issuer,
            VerifiedIdentity identity, Instant now) {
        if (!issuer.singleUseJti()) {
            return;
        }
        String jti = jws.claimString("jti");
        if (jti == null || jti.isEmpty()) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "single-use issuer, no jti");
        }
        if (jti.length() > MAX_JTI_LENGTH) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "jti is too long");
        }
        String key = "jti:" + issuer.id() + ":" + jti;
        Instant forgetAfter = identity.evidenceExpiresAt().plus(issuer.leeway());
        if (!config.singleUse().consume(key, forgetAfter, now)) {
            throw new DenialException(DenialReason.REPLAYED, "jti was already used", identity);
        }
    }
}
