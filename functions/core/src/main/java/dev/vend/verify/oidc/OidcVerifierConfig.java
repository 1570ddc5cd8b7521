// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import dev.vend.verify.IssuerKeys;
import dev.vend.verify.SingleUseStore;
import java.time.Clock;
import java.util.Objects;

/**
 * What the OIDC verifier needs.
 *
 * @param keys the key caches of every registered issuer
 * @param singleUse where single-use {@code jti} values are consumed
 * @param clock the clock that decides expiry
 */
public record OidcVerifierConfig(IssuerKeys keys, SingleUseStore singleUse, Clock clock) {

    public OidcVerifierConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(singleUse, "singleUse");
        Objects.requireNonNull(clock, "clock");
    }
}
