// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the issuer registry: deployment configuration, never policy. Built and checked by
 * {@link IssuerRegistry}; see docs/issuers.md for the file format.
 *
 * @param id the registry id policies name ({@code [a-z0-9-]}, unique)
 * @param issuer the exact issuer string; a token's {@code iss} must equal it byte for byte
 * @param preset which verifier handles it and what its claims are
 * @param audiences inbound audiences a token must carry one of
 * @param algorithms accepted JWS algorithms, asymmetric only
 * @param leeway one clock leeway for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenAge the longest a token may live, from {@code iat} to {@code exp}, and its
 *     greatest age
 * @param keySource where verification keys come from
 * @param multiTenant whether unrelated tenants share this issuer
 * @param pinnedClaims immutable-id claims a policy must pin exactly when multi-tenant
 * @param singleUseJti whether each {@code jti} is accepted once
 * @param allowPrivateNetwork whether key fetches may reach private addresses
 * @param expectedType the {@code typ} header a token must carry, or null for any
 * @param extraClaims more claims this issuer's tokens expose, for generic issuers
 */
public record IssuerConfig(
        String id,
        String issuer,
        IssuerPreset preset,
        List<String> audiences,
        Set<String> algorithms,
        Duration leeway,
        Duration maxTokenAge,
        KeySource keySource,
        boolean multiTenant,
        List<String> pinnedClaims,
        boolean singleUseJti,
        boolean allowPrivateNetwork,
        @Nullable String expectedType,
        Map<String, ClaimSpec> extraClaims) {

    public IssuerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(leeway, "leeway");
        Objects.requireNonNull(maxTokenAge, "maxTokenAge");
        Objects.requireNonNull(keySource, "keySource");
        audiences = List.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        pinnedClaims = List.copyOf(pinnedClaims);
        extraClaims = Map.copyOf(extraClaims);
    }

    /** The claim catalog: the preset's claims and the entry's extra ones. */
    public List<ClaimSpec> claimCatalog() {
        var catalog = new java.util.ArrayList<>(preset.claims());
        catalog.addAll(extraClaims.values());
        return List.copyOf(catalog);
    }
}
