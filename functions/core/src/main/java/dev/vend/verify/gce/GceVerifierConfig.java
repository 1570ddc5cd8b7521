// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import dev.vend.challenge.Challenges;
import dev.vend.verify.IssuerKeys;
import java.time.Clock;
import java.util.Objects;

/**
 * What the Compute Engine verifier needs.
 *
 * @param keys the key caches of every registered issuer (Google's comes from discovery, a
 *     configured JWKS URL or a JWKS file)
 * @param challenges where the challenge in the token's audience is consumed
 * @param clock the clock that decides expiry
 */
public record GceVerifierConfig(IssuerKeys keys, Challenges challenges, Clock clock) {

    public GceVerifierConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(challenges, "challenges");
        Objects.requireNonNull(clock, "clock");
    }
}
