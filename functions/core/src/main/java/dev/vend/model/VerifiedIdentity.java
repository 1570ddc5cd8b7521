// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a workload proved about itself. Immutable; never holds the raw evidence.
 *
 * @param source how the workload proved itself
 * @param issuerId the registry id of the issuer entry that verified it
 * @param issuer the exact issuer (URL or cloud name) that signed the evidence
 * @param immutableId the issuer's immutable id for the workload, from which Vend builds
 *     {@code sub}; never a name that can be recycled
 * @param attributes typed attributes as the preset declares them
 * @param evidenceExpiresAt when the evidence itself expires
 * @param evidenceSha256 hex SHA-256 of the evidence, for audit correlation
 */
public record VerifiedIdentity(
        IdentitySource source,
        String issuerId,
        String issuer,
        String immutableId,
        Map<String, AttributeValue> attributes,
        Instant evidenceExpiresAt,
        String evidenceSha256) {

    public VerifiedIdentity {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(issuerId, "issuerId");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(immutableId, "immutableId");
        Objects.requireNonNull(evidenceExpiresAt, "evidenceExpiresAt");
        Objects.requireNonNull(evidenceSha256, "evidenceSha256");
        attributes = Map.copyOf(attributes);
    }

    /** One attribute, if the evidence carried it with its declared type. */
    public Optional<AttributeValue> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /**
     * The subject Vend issues for this identity: source, registry id and immutable id. Two
     * issuers can never mint the same subject, and the inbound {@code sub} is never copied.
     */
    public String vendSubject() {
        return source.id() + ":" + issuerId + ":" + immutableId;
    }
}
