// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.Attestation;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;

/**
 * Verifies one kind of attestation. There is one public implementation per identity-source
 * package. Implementations are immutable and thread-safe.
 */
public interface IdentityVerifier {

    /** The identity source this verifier establishes. */
    IdentitySource source();

    /**
     * Verifies the attestation under the given issuer entry.
     *
     * @param attestation the evidence as received
     * @param issuer the registry entry the attestation claims to come from
     * @return the verified identity, never null
     * @throws DenialException if the evidence is refused
     * @throws VendingFailure if verification could not be completed (a JWKS outage, say)
     */
    VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer);
}
