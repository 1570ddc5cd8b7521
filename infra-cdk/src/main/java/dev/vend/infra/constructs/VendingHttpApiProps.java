// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link VendingHttpApi} is built from.
 *
 * @param throttle the default stage's limits
 * @param challengeThrottle the limits of {@code POST /challenge}; at most {@code throttle}'s
 * @param customDomain the domain that serves the API and names the issuer, or null for the API's
 *     own execute-api endpoint
 */
public record VendingHttpApiProps(ApiThrottle throttle, ApiThrottle challengeThrottle,
        @Nullable CustomDomain customDomain) {

    /** Refuses a missing throttle, and a challenge route looser than the stage. */
    public VendingHttpApiProps {
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(challengeThrottle, "challengeThrottle");
        if (!challengeThrottle.isWithin(throttle)) {
            throw new IllegalArgumentException("the POST /challenge limits " + challengeThrottle
                    + " must not exceed the stage's " + throttle);
        }
    }

    /** Props with {@link ApiThrottle#challengeDefaultFor} the stage on {@code POST /challenge}. */
    public VendingHttpApiProps(ApiThrottle throttle, @Nullable CustomDomain customDomain) {
        this(throttle, ApiThrottle.challengeDefaultFor(throttle), customDomain);
    }
}
