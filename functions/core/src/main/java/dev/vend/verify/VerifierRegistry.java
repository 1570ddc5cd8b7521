// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.Attestation;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes an attestation to the one verifier its issuer entry names. For JWTs the unverified
 * {@code iss} is read only as a lookup key into the issuer registry. Immutable and thread-safe.
 */
public final class VerifierRegistry {

    private static final Set<String> VEND_TYPES = Set.of(TokenTypes.AWS_EC2_BUNDLE,
            TokenTypes.AWS_IAM_PROOF, TokenTypes.AZURE_ATTESTED);
    private static final Map<String, IdentitySource> VEND_SOURCES = Map.of(
            TokenTypes.AWS_EC2_BUNDLE, IdentitySource.AWS_EC2,
            TokenTypes.AWS_IAM_PROOF, IdentitySource.AWS_IAM,
            TokenTypes.AZURE_ATTESTED, IdentitySource.AZURE_IMDS);

    private final IssuerRegistry issuers;
    private final Map<IdentitySource, IdentityVerifier> verifiers;

    public VerifierRegistry(IssuerRegistry issuers, List<IdentityVerifier> verifiers) {
        this.issuers = issuers;
        var bySource = new EnumMap<IdentitySource, IdentityVerifier>(IdentitySource.class);
        verifiers.forEach(verifier -> bySource.put(verifier.source(), verifier));
        this.verifiers = bySource;
    }

    /** Whether Vend knows this subject token type at all (the request bytes alone show it). */
    public static boolean knownTokenType(String tokenType) {
        return TokenTypes.JWT_TYPES.contains(tokenType) || VEND_TYPES.contains(tokenType);
    }

    /**
     * Verifies an attestation with the verifier of its issuer.
     *
     * @throws DenialException if the evidence is refused or its issuer is not registered
     * @throws VendingFailure if verification could not be completed
     */
    public VerifiedIdentity verify(Attestation attestation) {
        IdentitySource vendSource = VEND_SOURCES.get(attestation.tokenType());
        if (vendSource != null) {
            return verifyVendType(attestation, vendSource);
        }
        if (!TokenTypes.JWT_TYPES.contains(attestation.tokenType())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "no verifier for " + attestation.tokenType() + " in this deployment");
        }
        String iss = StrictJws.parse(attestation.value()).claimString("iss");
        if (iss == null) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "token has no string iss");
        }
        IssuerConfig issuer = issuers.byIssuer(iss).orElseThrow(() -> new DenialException(
                DenialReason.UNTRUSTED_ISSUER, "issuer is not registered"));
        IdentityVerifier verifier = verifiers.get(issuer.preset().source());
        if (verifier == null) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "no verifier for source " + issuer.preset().source().id());
        }
        return verifier.verify(attestation, issuer);
    }

    /**
     * Cloud documents that are not JWTs carry no issuer to look up: their token type names the
     * source, and the one registry entry of that source's preset verifies them.
     */
    private VerifiedIdentity verifyVendType(Attestation attestation, IdentitySource source) {
        IdentityVerifier verifier = verifiers.get(source);
        IssuerConfig issuer = issuers.entries().stream()
                .filter(entry -> entry.preset().source() == source).findFirst().orElse(null);
        if (verifier == null || issuer == null) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "no verifier for " + attestation.tokenType() + " in this deployment");
        }
        return verifier.verify(attestation, issuer);
    }
}
